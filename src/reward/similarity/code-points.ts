/**
 * Python compares strings item by item over Unicode code points, while JavaScript strings are
 * UTF-16: an astral character such as an emoji is one Python item but two JS code units. The
 * matcher therefore works on code points. A lone surrogate stays one item, as it does in a
 * Python str decoded from JSON such as "\ud800".
 */

/**
 * The code point starting at `index`, where `text.charCodeAt(index)` is a high surrogate: the
 * astral code point (>= 0x10000) when a low surrogate follows, else the lone surrogate itself.
 */
export function astralCodePointAt(text: string, index: number): number {
  const high = text.charCodeAt(index);
  if (index + 1 < text.length) {
    const low = text.charCodeAt(index + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return high;
}

/** The code points of `text`, one array item per Python string item. */
export function toCodePoints(text: string): Int32Array {
  const buffer = new Int32Array(text.length);
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0xd800 || unit > 0xdbff) {
      buffer[count++] = unit;
    } else {
      const codePoint = astralCodePointAt(text, index);
      if (codePoint >= 0x10000) index++;
      buffer[count++] = codePoint;
    }
  }
  return count === buffer.length ? buffer : buffer.slice(0, count);
}
