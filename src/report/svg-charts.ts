/**
 * The report's plots as inline SVG: grouped bars, horizontal bars and line charts. No script and no
 * library, so the file opens offline in any browser and prints; every chart carries its numbers as
 * text (labels, <title> tooltips) so nothing is only a colour.
 */
import { Html, escapeHtml, html } from './html.js';

export const PALETTE = ['#3b6fb6', '#e07b39', '#3a9a5b', '#b8483f', '#7a5ab8', '#8c6d4f', '#c45fa0', '#6f7b86'];

export interface Series {
  name: string;
  values: readonly number[];
}

interface ChartFrame {
  /** Marks the figure for tests and readers (data-chart). */
  name: string;
  title: string;
  width?: number;
  height?: number;
  /** Text under the chart (what is plotted, counts, seeds). */
  note?: string;
}

function attr(text: string): string {
  return escapeHtml(text);
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, index) => (max * index) / count);
}

function formatTick(value: number, asPercent: boolean): string {
  if (asPercent) return `${Math.round(value * 100)}%`;
  if (Math.abs(value) >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 1 ? 2 : 1);
}

function legend(series: readonly Series[], x: number, y: number): string {
  if (series.length < 2) return '';
  let out = '';
  let at = x;
  for (const [index, item] of series.entries()) {
    out += `<rect x="${at}" y="${y - 9}" width="10" height="10" fill="${PALETTE[index % PALETTE.length]}"/><text x="${at + 14}" y="${y}" class="legend">${attr(item.name)}</text>`;
    at += 24 + item.name.length * 6.5;
  }
  return out;
}

function figure(frame: ChartFrame, svg: string): Html {
  return html`<figure class="chart" data-chart="${frame.name}"><figcaption>${frame.title}</figcaption>${new Html(svg)}${frame.note ? html`<p class="note">${frame.note}</p>` : ''}</figure>`;
}

export interface BarChartOptions extends ChartFrame {
  categories: readonly string[];
  series: readonly Series[];
  /** Values are fractions shown as percentages, on a 0–100% axis. */
  percent?: boolean;
  /** Text on each bar; default the value. */
  barLabels?: ReadonlyArray<readonly string[]>;
}

/** Vertical bars, grouped by category, one colour per series. */
export function barChart(options: BarChartOptions): Html {
  const width = options.width ?? 560;
  const height = options.height ?? 260;
  const margin = { top: 24, right: 12, bottom: 44, left: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const max = options.percent ? 1 : niceMax(Math.max(0, ...options.series.flatMap((item) => item.values)));
  const groupWidth = plotWidth / Math.max(1, options.categories.length);
  const barWidth = Math.min(48, (groupWidth * 0.8) / Math.max(1, options.series.length));
  let body = '';
  for (const tick of ticks(max)) {
    const y = margin.top + plotHeight - (tick / max) * plotHeight;
    body += `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y}" y2="${y}" class="grid"/><text x="${margin.left - 6}" y="${y + 4}" class="axis" text-anchor="end">${formatTick(tick, options.percent === true)}</text>`;
  }
  options.categories.forEach((category, categoryIndex) => {
    const groupX = margin.left + categoryIndex * groupWidth + (groupWidth - barWidth * options.series.length) / 2;
    options.series.forEach((item, seriesIndex) => {
      const value = item.values[categoryIndex] ?? 0;
      const barHeight = (Math.max(0, value) / max) * plotHeight;
      const x = groupX + seriesIndex * barWidth;
      const y = margin.top + plotHeight - barHeight;
      const label = options.barLabels?.[seriesIndex]?.[categoryIndex] ?? formatTick(value, options.percent === true);
      body += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${PALETTE[seriesIndex % PALETTE.length]}" class="bar"><title>${attr(`${item.name}, ${category}: ${label}`)}</title></rect>`;
      body += `<text x="${(x + (barWidth - 2) / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" class="value" text-anchor="middle">${attr(label)}</text>`;
    });
    body += `<text x="${(margin.left + categoryIndex * groupWidth + groupWidth / 2).toFixed(1)}" y="${height - margin.bottom + 16}" class="axis" text-anchor="middle">${attr(category)}</text>`;
  });
  body += `<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" class="baseline"/>`;
  body += legend(options.series, margin.left, height - 8);
  return figure(options, `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${attr(options.title)}">${body}</svg>`);
}

export interface HorizontalBarOptions extends ChartFrame {
  items: ReadonlyArray<{ label: string; value: number; text: string }>;
}

/** One bar per item, longest first as given (time per stage). */
export function horizontalBars(options: HorizontalBarOptions): Html {
  const width = options.width ?? 560;
  const rowHeight = 24;
  const labelWidth = 150;
  const height = options.items.length * rowHeight + 16;
  const max = niceMax(Math.max(0, ...options.items.map((item) => item.value)));
  const plotWidth = width - labelWidth - 90;
  let body = '';
  options.items.forEach((item, index) => {
    const y = 8 + index * rowHeight;
    const barWidth = (Math.max(0, item.value) / max) * plotWidth;
    body += `<text x="${labelWidth - 8}" y="${y + 15}" class="axis" text-anchor="end">${attr(item.label)}</text>`;
    body += `<rect x="${labelWidth}" y="${y + 3}" width="${Math.max(1, barWidth).toFixed(1)}" height="${rowHeight - 8}" fill="${PALETTE[0]}" class="bar"><title>${attr(`${item.label}: ${item.text}`)}</title></rect>`;
    body += `<text x="${(labelWidth + barWidth + 6).toFixed(1)}" y="${y + 15}" class="value">${attr(item.text)}</text>`;
  });
  return figure(options, `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${attr(options.title)}">${body}</svg>`);
}

export interface LineChartOptions extends ChartFrame {
  /** Points (x, y) per series; x is usually the training step. */
  series: ReadonlyArray<{ name: string; points: ReadonlyArray<readonly [number, number]> }>;
  xLabel?: string;
}

/** Lines over a shared x axis (training curves). */
export function lineChart(options: LineChartOptions): Html {
  const width = options.width ?? 360;
  const height = options.height ?? 200;
  const margin = { top: 16, right: 12, bottom: 36, left: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const points = options.series.flatMap((item) => item.points);
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  let yMin = Math.min(0, ...ys);
  let yMax = Math.max(...ys);
  if (yMax === yMin) yMax = yMin + 1;
  yMax = yMin + niceMax(yMax - yMin);
  if (yMin < 0) yMin = -niceMax(-yMin);
  const sx = (x: number) => margin.left + (xMax === xMin ? plotWidth / 2 : ((x - xMin) / (xMax - xMin)) * plotWidth);
  const sy = (y: number) => margin.top + plotHeight - ((y - yMin) / (yMax - yMin)) * plotHeight;
  let body = '';
  for (const tick of ticks(yMax - yMin)) {
    const value = yMin + tick;
    body += `<line x1="${margin.left}" x2="${width - margin.right}" y1="${sy(value).toFixed(1)}" y2="${sy(value).toFixed(1)}" class="grid"/><text x="${margin.left - 6}" y="${(sy(value) + 4).toFixed(1)}" class="axis" text-anchor="end">${formatTick(value, false)}</text>`;
  }
  body += `<text x="${margin.left}" y="${height - 20}" class="axis">${formatTick(xMin, false)}</text><text x="${width - margin.right}" y="${height - 20}" class="axis" text-anchor="end">${formatTick(xMax, false)}</text>`;
  if (options.xLabel) body += `<text x="${margin.left + plotWidth / 2}" y="${height - 20}" class="axis" text-anchor="middle">${attr(options.xLabel)}</text>`;
  options.series.forEach((item, index) => {
    const colour = PALETTE[index % PALETTE.length];
    const path = item.points.map(([x, y], at) => `${at === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    body += `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2" class="line"><title>${attr(item.name)}</title></path>`;
    if (item.points.length <= 40) for (const [x, y] of item.points) body += `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${colour}"><title>${attr(`${item.name} at ${x}: ${y}`)}</title></circle>`;
  });
  body += legend(
    options.series.map((item) => ({ name: item.name, values: [] })),
    margin.left,
    height - 4,
  );
  return figure(options, `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${attr(options.title)}">${body}</svg>`);
}
