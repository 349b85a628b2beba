/**
 * Test logs are whatever bytes the code under test printed: latin-1 fixtures, binary dumps, cut
 * multi-byte sequences at a truncation point. None of that may crash grading, so bytes are decoded
 * leniently (invalid sequences become U+FFFD) and carriage returns from progress bars are dropped.
 */
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false });

export function decodeLog(log: string | Uint8Array): string {
  const text = typeof log === 'string' ? log : lenientUtf8.decode(log);
  return text.replace(/\r\n?/g, '\n');
}

// Colour codes (ESC [ ... m) would otherwise glue themselves to status words and test names.
const ANSI_ESCAPE = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

/** Lines of a log, decoded leniently and without colour codes. */
export function logLines(log: string | Uint8Array): string[] {
  return stripAnsi(decodeLog(log)).split('\n');
}
