/**
 * Byte-level BPE's two conventions, as GPT-2 defined them and Hugging Face's `ByteLevel`
 * pre-tokenizer and decoder follow: every byte is shown as one printable Unicode character (so
 * vocab entries and merges are plain strings in tokenizer.json), and text is first cut into
 * words by GPT-2's regular expression, so merges never cross a word boundary.
 */

const byteToChar: string[] = new Array(256);
const charToByte = new Map<string, number>();
{
  let next = 256;
  for (let byte = 0; byte < 256; byte += 1) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    const char = String.fromCodePoint(printable ? byte : next++);
    byteToChar[byte] = char;
    charToByte.set(char, byte);
  }
}

export function bytesToSymbols(bytes: Uint8Array): string[] {
  const symbols = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) symbols[i] = byteToChar[bytes[i]!]!;
  return symbols;
}

export function symbolsToBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (const char of text) {
    const byte = charToByte.get(char);
    if (byte === undefined) throw new RangeError(`not a byte-level symbol: ${JSON.stringify(char)}`);
    out.push(byte);
  }
  return Uint8Array.from(out);
}

/** The 256 single-byte symbols, in byte order: the base vocabulary. */
export const BYTE_SYMBOLS: readonly string[] = byteToChar;

/** GPT-2's pre-tokenization pattern (what ByteLevel with use_regex applies). */
const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export function preTokenize(text: string): string[] {
  return text.match(GPT2_PATTERN) ?? [];
}
