/**
 * `swe-srl run PIPELINE.yaml`: runs a pipeline file (src/pipeline). Flags only; the library does the
 * work and reports events, rendered here on stderr: the plan, one header per stage, a progress line
 * (redrawn in place on a terminal, one line per finished unit elsewhere), and the report's path.
 *
 *   swe-srl run PIPELINE.yaml [--run-dir DIR] [--backend auto|docker|local] [--redo STAGE]… [--dry-run] [-q]
 */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { loadPipelineFile, runPipeline, StageConflictError, type PipelineEvent } from '../pipeline/index.js';
import { closeSandboxesOnSignal } from '../sandbox/index.js';
import { oneOf } from './option-values.js';

interface RunFlags {
  runDir?: string;
  backend?: 'auto' | 'docker' | 'local';
  redo: string[];
  dryRun?: boolean;
  quiet?: boolean;
}

export interface EventWriter {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function seconds(ms: number): string {
  return ms < 100_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A few figures of a stage's summary for its one-line result. */
export function summaryLine(summary: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(summary)) {
    if (typeof value === 'number') parts.push(`${key.replace(/_/g, ' ')} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
    else if (typeof value === 'string' && value.length <= 40) parts.push(`${key.replace(/_/g, ' ')} ${value}`);
    if (parts.length === 6) break;
  }
  return parts.join(', ');
}

/** Renders pipeline events as text: in place on a terminal, as plain lines in a log. */
export class PipelineEventPrinter {
  private progressShown = false;
  private lastPlainPrint = 0;

  constructor(
    private readonly out: EventWriter,
    private readonly quiet = false,
  ) {}

  private line(text: string): void {
    this.clearProgress();
    this.out.write(`${text}\n`);
  }

  private clearProgress(): void {
    if (this.progressShown) this.out.write('\r\u001b[2K');
    this.progressShown = false;
  }

  handle(event: PipelineEvent): void {
    switch (event.kind) {
      case 'plan': {
        this.line(`swe-srl run: ${event.file} → ${event.runDir}`);
        const width = Math.max(...event.stages.map((stage) => stage.name.length));
        for (const [index, stage] of event.stages.entries()) {
          const inputs = Object.entries(stage.inputs).map(([slot, from]) => `${slot} ← ${from}`);
          const state = { done: 'done earlier', resume: 'resumes', new: '', redo: 'redo' }[stage.state];
          this.line(`  ${String(index + 1).padStart(2)}. ${stage.name.padEnd(width)}  ${stage.type !== stage.name ? `(${stage.type}) ` : ''}${inputs.length > 0 ? `${inputs.join(', ')} ` : ''}→ ${stage.outputs.join(', ') || '—'}${state ? `  [${state}]` : ''}`);
        }
        return;
      }
      case 'backend':
        this.line(event.backend === 'docker' ? 'sandboxes: Docker' : `sandboxes: local (bubblewrap)${event.reason ? `: ${event.reason}` : ''}`);
        return;
      case 'stage-start':
        this.line(`[${event.index + 1}/${event.count}] ${event.stage}${event.resuming ? ' (resuming)' : ''}`);
        return;
      case 'stage-skip':
        this.line(`[${event.index + 1}/${event.count}] ${event.stage}: done earlier, skipped (${event.headline ?? summaryLine(event.summary)})`);
        return;
      case 'progress':
        this.progress(event);
        return;
      case 'log':
        if (!this.quiet) this.line(`      ${event.message}`);
        return;
      case 'warning':
        this.line(`      warning: ${event.message}`);
        return;
      case 'stage-done':
        this.line(`      done in ${seconds(event.durationMs)}: ${event.headline ?? summaryLine(event.summary)}`);
        return;
      case 'stage-failed':
        this.line(`      failed: ${event.message}`);
        return;
      case 'end':
        this.line(`finished in ${seconds(event.durationMs)}${event.report ? `; report: ${event.report}` : ''}`);
    }
  }

  private progress(event: Extract<PipelineEvent, { kind: 'progress' }>): void {
    const count = event.total !== undefined ? `${event.done}/${event.total}` : `${event.done}`;
    const what = `${event.phase ? `${event.phase}: ` : ''}${count} ${event.unit ?? ''}`.trimEnd();
    if (this.out.isTTY) {
      const width = 20;
      const filled = event.total ? Math.min(width, Math.round((event.done / event.total) * width)) : 0;
      let text = `      ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${what}${event.label ? `  ${event.label}` : ''}`;
      const columns = this.out.columns ?? 120;
      if (text.length > columns - 1) text = `${text.slice(0, columns - 2)}…`;
      this.out.write(`\r\u001b[2K${text}`);
      this.progressShown = true;
      return;
    }
    // In a log: a line per finished unit that has a label, and otherwise at most one every few seconds.
    if (event.done === 0 && !event.label) return;
    if (!event.label && Date.now() - this.lastPlainPrint < 5000 && event.done !== event.total) return;
    if (this.quiet && event.done !== event.total) return;
    this.lastPlainPrint = Date.now();
    this.line(`      [${count}] ${event.label ?? what}`);
  }
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a pipeline file: tasks, images, teacher, steps, reward-check, evaluate, report (each resumable)')
    .argument('<pipeline>', 'the pipeline file (YAML)')
    .option('--run-dir <dir>', "where the run's outputs go (default: the file's runDir)")
    .option('--backend <backend>', "sandbox backend, overriding the file's sandbox.backend: auto, docker or local", oneOf('--backend', ['auto', 'docker', 'local'] as const))
    .option('--redo <stage>', 'make this stage again (and the stages after it that use it); repeatable', (value: string, previous: string[]) => [...previous, value], [])
    .option('--dry-run', 'check the file and the run directory and print the plan; run nothing')
    .option('-q, --quiet', 'fewer progress lines')
    .action(async (file: string, flags: RunFlags) => {
      const plan = await loadPipelineFile(file, flags.runDir !== undefined ? { runDir: flags.runDir } : {});
      if (flags.backend) plan.sandbox.backend = flags.backend;
      const printer = new PipelineEventPrinter(process.stderr, flags.quiet === true);
      const stopHandlingSignals = closeSandboxesOnSignal();
      try {
        await runPipeline(plan, { onEvent: (event) => printer.handle(event), redo: flags.redo, ...(flags.dryRun ? { dryRun: true } : {}) });
      } catch (error) {
        if (error instanceof StageConflictError) {
          throw new InputError(`${error.message}:\n  swe-srl run ${file} ${error.stages.map((stage) => `--redo ${stage}`).join(' ')}`);
        }
        throw error;
      } finally {
        stopHandlingSignals();
      }
    });
}

/** For the command table in main.ts. */
export const register = registerRunCommand;
