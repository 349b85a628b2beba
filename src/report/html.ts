/** HTML text made safe, and the few building blocks every part of the report shares. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** A fragment of HTML already escaped; strings given to `html` are escaped, fragments are not. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/** A tagged template: interpolated values are escaped unless they are Html. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((value, index) => {
    out += render(value) + strings[index + 1]!;
  });
  return new Html(out);
}

export function join(parts: readonly Part[], separator = ''): Html {
  return new Html(parts.map(render).join(separator));
}

export function percent(rate: number | undefined, digits = 0): string {
  if (rate === undefined || !Number.isFinite(rate)) return '–';
  return `${(rate * 100).toFixed(digits)}%`;
}

export function fixed(value: number | undefined, digits = 2): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toFixed(digits);
}

export function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Figures (counts, rates, times) line up on the right; words on the left. */
function isFigure(cell: Part): boolean {
  if (typeof cell === 'number') return true;
  const text = cell instanceof Html ? cell.text.replace(/<[^>]*>/g, '') : typeof cell === 'string' ? cell : '';
  return /^[-−–]?[\d.,]+\s*(%|ms|s|min( \d+ s)?)?$|^–$/.test(text.trim());
}

/** A table: a header row and rows of cells; `name` marks it for tests and readers (data-table). */
export function table(name: string, header: readonly Part[], rows: readonly (readonly Part[])[], caption?: string): Html {
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => isFigure(row[column])));
  const cellClass = (column: number) => (numeric[column] ? 'num' : 'text');
  return html`<table data-table="${name}">${caption ? html`<caption>${caption}</caption>` : ''}<thead><tr>${header.map((cell, column) => html`<th class="${cellClass(column)}">${cell}</th>`)}</tr></thead><tbody>${rows.map(
    (row) => html`<tr>${row.map((cell, index) => (index === 0 ? html`<th scope="row">${cell}</th>` : html`<td class="${cellClass(index)}">${cell}</td>`))}</tr>`,
  )}</tbody></table>`;
}

/** A safe fragment id from any text (trajectory ids hold `/`, `#`, `~`). */
export function anchorId(prefix: string, text: string): string {
  return `${prefix}-${text.replace(/[^A-Za-z0-9_-]/g, (char) => `_${char.codePointAt(0)!.toString(16)}`)}`;
}
