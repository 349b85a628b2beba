/**
 * Answer normalization before comparison, covering the kinds of noise the Qwen2.5-Math checker
 * strips: math delimiters, `\left`/`\right`, spacing commands, `\dfrac`/`\tfrac`, degrees, dollar
 * signs, percent signs, trailing units (`\text{ cm}`, `5 inches`), thousands separators, a leading
 * `x =`, word numbers and trailing periods. The rules and the unit list are ours.
 */

export interface NormalizedAnswer {
  /** The answer with the noise removed; spaces only where they end a command name (`\frac x2`). */
  text: string;
  /** The answer carried a percent sign: 10% may stand for 10 or for 0.1. */
  percent: boolean;
}

// Units written after a number in competition answers and word problems. Longer spellings come
// first so that `inches` is not read as `inch` + `es`.
const UNIT_WORDS = [
  'square units', 'square feet', 'square inches', 'square meters', 'square centimeters', 'square miles', 'sq units',
  'cubic units', 'cubic feet', 'cubic inches', 'cubic meters', 'cubic centimeters',
  'units', 'unit', 'degrees', 'degree', 'radians', 'dollars', 'dollar', 'cents', 'cent', 'percent',
  'centimeters', 'centimetres', 'centimeter', 'millimeters', 'millimeter', 'kilometers', 'kilometer', 'meters', 'metres', 'meter', 'metre',
  'inches', 'inch', 'feet', 'foot', 'yards', 'yard', 'miles', 'mile', 'mph', 'km/h',
  'hours', 'hour', 'minutes', 'minute', 'seconds', 'second', 'days', 'day', 'weeks', 'week', 'years', 'year',
  'grams', 'gram', 'kilograms', 'kilogram', 'pounds', 'pound', 'ounces', 'ounce', 'liters', 'liter', 'litres', 'litre', 'gallons', 'gallon',
  'cm', 'mm', 'km', 'm', 'ft', 'in', 'hrs', 'hr', 'min', 'sec', 's', 'kg', 'g', 'lb', 'lbs', 'oz', 'l', 'ml',
  'ways', 'people', 'students', 'apples', 'marbles', 'cookies', 'coins', 'books', 'items',
];

const WORD_NUMBERS: Readonly<Record<string, string>> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16', seventeen: '17', eighteen: '18',
  nineteen: '19', twenty: '20',
};

/** Index of the `}` closing the `{` at `open`, or −1 when it never closes. Escaped braces do not count. */
export function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\\') {
      i += 1;
      continue;
    }
    if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const TEXT_COMMANDS = ['text', 'textbf', 'textit', 'textrm', 'mbox', 'mathrm', 'mathbf', 'mathit', 'boldsymbol', 'operatorname'];

/**
 * Replaces each `\text{…}` (and its kin) by its content; a trailing one that follows something
 * else is a unit and goes altogether (`5\text{ cm}`, `12 \mbox{ inches}^2`).
 */
function unwrapTextCommands(input: string): string {
  let text = input;
  const trailing = new RegExp(`^(.*\\S)\\s*\\\\(?:${TEXT_COMMANDS.join('|')})\\{([^{}]*)\\}(?:\\^\\{?[23]\\}?)?$`, 's').exec(text);
  if (trailing && /[\d})]\s*$/.test(trailing[1]!) && /[a-zA-Z]/.test(trailing[2]!)) text = trailing[1]!;
  for (;;) {
    const command = new RegExp(`\\\\(?:${TEXT_COMMANDS.join('|')})\\s*\\{`).exec(text);
    if (!command) return text;
    const open = command.index + command[0].length - 1;
    const close = matchingBrace(text, open);
    if (close < 0) return text;
    text = text.slice(0, command.index) + text.slice(open + 1, close) + text.slice(close + 1);
  }
}

function stripTrailingUnit(text: string): string {
  const lower = text.toLowerCase();
  for (const unit of UNIT_WORDS) {
    for (const suffix of [unit, `${unit}^2`, `${unit}^3`, `${unit}^{2}`, `${unit}^{3}`]) {
      if (!lower.endsWith(suffix)) continue;
      const rest = text.slice(0, text.length - suffix.length);
      // Only after a number or a closed group, with a space or nothing between: `5 cm`, `5cm`, `\frac{1}{2} inch`,
      // never the `m` of `2m` when it stands alone in a longer word.
      if (/(?:\d|\}|\))\s*$/.test(rest) && !/[a-zA-Z]$/.test(rest)) return rest.trimEnd();
    }
  }
  return text;
}

/** Drops a leading `x =`, `k=`, `x_1 =` or `\theta =` (a lone variable named before the value). */
function stripVariablePrefix(text: string): string {
  const inside = /^\s*(?:[a-zA-Z](?:_\{?\w+\}?)?|\\[a-zA-Z]+)\s*\\in\s*(.+)$/s.exec(text);
  if (inside) return inside[1]!;
  const parts = text.split('=');
  if (parts.length === 2 && /^\s*(?:[a-zA-Z](?:_\{?\w+\}?)?|\\[a-zA-Z]+)\s*$/.test(parts[0]!) && parts[1]!.trim() !== '') return parts[1]!;
  return text;
}

export function normalizeAnswer(raw: string): NormalizedAnswer {
  let text = raw.replace(/\s+/g, ' ').trim();
  // Math delimiters.
  text = text.replace(/^\\\[(.*)\\\]$/s, '$1').replace(/^\\\((.*)\\\)$/s, '$1');
  text = text.replace(/\\\$/g, '').replace(/\$/g, '');
  // Spacing and sizing commands.
  // (A row break `\\` is read whole first, so that `\\ 3` is not taken for the space command `\ `.)
  text = text.replace(/\\\\|\\[ !,;:]/g, (match) => (match === '\\\\' ? match : ' '));
  text = text.replace(/\\(?:displaystyle|textstyle|quad|qquad|Big[lr]?|big[lr]?|Bigg[lr]?|bigg[lr]?)(?![a-zA-Z])/g, ' ').replace(/~/g, ' ');
  text = text.replace(/\\(?:left|right)\./g, '').replace(/\\(?:left|right)(?![a-zA-Z])/g, '');
  text = text.replace(/\\[dt]frac(?![a-zA-Z])/g, '\\frac').replace(/\\[dt]binom(?![a-zA-Z])/g, '\\binom');
  text = text.replace(/\\(?:le|leq|leqslant)(?![a-zA-Z])/g, '\\le').replace(/\\(?:ge|geq|geqslant)(?![a-zA-Z])/g, '\\ge');
  // Degrees.
  text = text.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\\degree|°/g, '');
  // Percent.
  let percent = false;
  if (/\\?%/.test(text)) {
    percent = true;
    text = text.replace(/\\?%/g, '');
  }
  text = unwrapTextCommands(text).trim();
  text = text.replace(/\.+$/, '').trim();
  for (let pass = 0; pass < 2; pass += 1) text = stripTrailingUnit(text);
  text = stripVariablePrefix(text).trim();
  // Thousands separators: `1{,}000`, and `1,000,000` when the whole answer is such a number.
  text = text.replace(/\{,\}/g, '');
  if (/^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(text)) text = text.replace(/,/g, '');
  const word = WORD_NUMBERS[text.toLowerCase()];
  if (word !== undefined) text = word;
  if (/^[+-]?(?:infinity|inf)$/i.test(text)) text = text.replace(/infinity|inf/i, '\\infty');
  // Spaces go, except one that ends a command name before a letter (`\frac x2` must not become `\fracx2`).
  text = text.replace(/(\\[a-zA-Z]+) +(?=[a-zA-Z])/g, '$1\u0000').replace(/ /g, '').replace(/\u0000/g, ' ');
  text = text.replace(/\.+$/, '');
  return { text, percent };
}
