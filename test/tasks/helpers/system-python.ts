/**
 * Host tests of the task family run Python (the probe, the tests of generated packages). A version
 * manager's shim (pyenv) in front of Debian's python3 costs seconds per start on a loaded machine,
 * so the system python3 that CI installs goes first on PATH for this test process.
 */
import { existsSync } from 'node:fs';

export function preferSystemPython(): void {
  if (existsSync('/usr/bin/python3') && !process.env.PATH?.startsWith('/usr/bin:')) process.env.PATH = `/usr/bin:${process.env.PATH ?? ''}`;
}
