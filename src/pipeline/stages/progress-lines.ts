/**
 * Library code that still reports progress as text lines (the evaluator's ProgressStream) feeds a
 * stage's progress through this adapter: each finished unit (`[3/8] id: resolved in 0.4 s`)
 * advances the count, anything else becomes a log line.
 */
import type { ProgressStream } from '../../eval/index.js';
import type { StageProgress } from '../stage.js';

export function progressStreamFor(progress: StageProgress): ProgressStream {
  let pending = '';
  return {
    write(text: string) {
      pending += text.replace(/\r/g, '\n');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const raw of lines) {
        const line = raw.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').trim();
        if (!line) continue;
        const finished = /^\[\d+\/\d+\] (.+)$/.exec(line);
        if (finished) progress.advance(1, finished[1]);
        else if (line.startsWith('warning: ')) progress.warn(line.slice('warning: '.length));
        else progress.log(line);
      }
      return true;
    },
  };
}
