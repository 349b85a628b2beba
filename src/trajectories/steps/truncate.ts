/**
 * Keeps long observations inside a budget: the head and the tail survive (a command's first lines
 * say what it did, its last lines hold the error), the middle is replaced by a marker that says
 * how much was cut.
 */

export function truncationMarker(omitted: number): string {
  return `\n[... ${omitted} characters truncated ...]\n`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The text itself when it has at most `budget` characters (UTF-16 units), else its first and last
 * `budget / 2` characters around a marker. Never splits a surrogate pair.
 */
export function truncateObservation(text: string, budget: number): string {
  if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`observation budget must be a non-negative integer, got ${budget}`);
  if (text.length <= budget) return text;
  let headLength = Math.floor(budget / 2);
  let tailStart = text.length - (budget - headLength);
  if (headLength > 0 && isHighSurrogate(text.charCodeAt(headLength - 1))) headLength -= 1;
  if (tailStart < text.length && tailStart > 0 && isHighSurrogate(text.charCodeAt(tailStart - 1))) tailStart += 1;
  return text.slice(0, headLength) + truncationMarker(tailStart - headLength) + text.slice(tailStart);
}
