/**
 * The windowed editor as the tool session sees it. Two implementations reproduce the two
 * generations of SWE-agent whose trajectories we replay: 0.x (shell functions, a centred window)
 * and 1.x (Python tools, a window anchored at its first line, search/replace edits).
 */
import type { ToolOutcome } from '../types.js';

export type ClassicFlavor = 'swe-agent-0' | 'swe-agent-1';

export interface WindowedEditor {
  /** Absolute path of the open file, if any (the footer's `(Open file: …)`). */
  openFile(): string | undefined;
  /** Told about every action, for state that depends on the previous one (the scroll warning). */
  noteAction(tool: string): void;
  open(argv: string[]): Promise<ToolOutcome>;
  goto(argv: string[]): Promise<ToolOutcome>;
  scroll(direction: 'up' | 'down'): Promise<ToolOutcome>;
  create(argv: string[]): Promise<ToolOutcome>;
  /** `edit N:M` followed by replacement lines. */
  editRange(argv: string[], replacement: string[]): Promise<ToolOutcome>;
  /** `edit 'search' 'replace' [replace_all]`; undefined where the flavour has no such command. */
  editReplace?(argv: string[]): Promise<ToolOutcome>;
  /** `insert 'text' [line]`; undefined where the flavour has no such command. */
  insert?(argv: string[]): Promise<ToolOutcome>;
}
