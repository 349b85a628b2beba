/**
 * The evaluation's progress, rendered from its events on a stream (the CLI's stderr). On a
 * terminal, one line redrawn in place with a bar and the counts so far; elsewhere (CI logs, files)
 * one plain line per finished instance, since carriage returns would turn a log into one unreadable
 * line.
 */
import type { BatchEvent } from '../events.js';
import type { InstanceResult, InstanceStatus } from './evaluate-instance.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const SYMBOLS: Record<InstanceStatus, string> = { resolved: '✓', unresolved: '✖', empty_patch: '∅', error: '!' };

export class EvaluationProgress {
  private done = 0;
  private readonly counts: Record<InstanceStatus, number> = { resolved: 0, unresolved: 0, empty_patch: 0, error: 0 };
  private running = new Set<string>();
  private readonly interactive: boolean;

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
  ) {
    this.interactive = stream.isTTY === true;
  }

  started(instanceId: string): void {
    this.running.add(instanceId);
    if (this.interactive) this.redraw();
  }

  finished(result: InstanceResult): void {
    this.running.delete(result.instanceId);
    this.done++;
    this.counts[result.status]++;
    if (this.interactive) {
      this.redraw();
      return;
    }
    const detail = result.detail ? ` (${result.detail})` : '';
    const seconds = (result.durationMs / 1000).toFixed(1);
    this.stream.write(`[${this.done}/${this.total}] ${result.instanceId}: ${result.status}${detail} in ${seconds} s\n`);
  }

  private countsText(): string {
    return (Object.keys(SYMBOLS) as InstanceStatus[]).map((status) => `${SYMBOLS[status]} ${this.counts[status]}`).join('  ');
  }

  private redraw(): void {
    const width = 24;
    const filled = this.total === 0 ? width : Math.round((this.done / this.total) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const current = [...this.running].slice(0, 2).join(', ');
    let line = `Evaluation ${bar} ${this.done}/${this.total}  ${this.countsText()}${current ? `  ${current}` : ''}`;
    const columns = this.stream.columns ?? 120;
    if (line.length > columns - 1) line = `${line.slice(0, columns - 2)}…`;
    this.stream.write(`\r\u001b[2K${line}`);
  }

  /** Ends the progress display with a totals line. */
  end(): void {
    if (this.interactive) this.stream.write('\n');
    this.stream.write(`Evaluation done: ${this.done}/${this.total}  ${this.countsText()}  (✓ resolved, ✖ unresolved, ∅ empty patch, ! error)\n`);
  }
}

/** A sink that renders an evaluation's events on `stream`, as `swe-srl eval` shows them. */
export function renderEvaluationEvents(stream: ProgressStream): (event: BatchEvent<InstanceResult>) => void {
  let progress: EvaluationProgress | undefined;
  return (event) => {
    switch (event.kind) {
      case 'plan':
        if (event.leftoversRemoved > 0) stream.write(`warning: removed ${event.leftoversRemoved} container(s) left by an earlier, interrupted run ${event.runId}\n`);
        if (event.alreadyFinished > 0) stream.write(`${event.alreadyFinished} instance(s) already evaluated under run ${event.runId}, skipping them (rerun to evaluate again)\n`);
        progress = new EvaluationProgress(stream, event.toRun);
        return;
      case 'start':
        progress?.started(event.id);
        return;
      case 'finish':
        progress?.finished(event.result);
        return;
      case 'end':
        progress?.end();
        return;
      case 'warning':
        stream.write(`warning: ${event.message}\n`);
        return;
      case 'log':
        stream.write(`${event.message}\n`);
        return;
      case 'step':
      case 'error':
        return;
    }
  };
}
