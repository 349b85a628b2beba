/**
 * The report's stylesheet, inlined in the file. Pages are sections shown by the URL's fragment
 * (`#traj-…`) through `:target`, so the trajectory viewer needs no script.
 */
export const REPORT_CSS = `
:root { --ink: #1d2430; --muted: #5c6673; --line: #d9dee5; --paper: #ffffff; --wash: #f4f6f9; --accent: #3b6fb6; --good: #2f8a4e; --bad: #b8483f; --warn: #a86b12; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--wash); }
header.top { background: #1d2430; color: #fff; padding: 18px 28px; }
header.top h1 { margin: 0 0 4px; font-size: 20px; }
header.top p { margin: 0; color: #c9d1dc; font-size: 13px; }
header.top code { color: #fff; }
main { padding: 20px 28px 48px; max-width: 1240px; }
section.block { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 18px; }
section.block h2 { margin: 0 0 10px; font-size: 16px; }
section.block h3 { margin: 16px 0 8px; font-size: 14px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; margin-bottom: 18px; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 24px; font-weight: 600; margin: 2px 0; }
.card .detail { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: var(--wash); font-weight: 600; }
tbody th { font-weight: 500; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; }
figure.chart { margin: 0; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
figure.chart p.note { color: var(--muted); font-size: 12px; margin: 2px 0 0; max-width: 560px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
svg text.axis { fill: var(--muted); }
svg text.value { font-size: 10px; }
svg line.grid { stroke: #eceff3; }
svg line.baseline { stroke: #9aa3ad; }
.slot { border: 1px dashed var(--line); border-radius: 6px; padding: 14px; color: var(--muted); background: var(--wash); }
.ok { color: var(--good); font-weight: 600; }
.fail { color: var(--bad); font-weight: 600; }
.warn { color: var(--warn); font-weight: 600; }
.muted { color: var(--muted); }
a { color: var(--accent); }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: 4px 0; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre.patch .add { color: #1a7f37; } pre.patch .del { color: #b8483f; } pre.patch .hunk { color: #6f42c1; } pre.patch .file { font-weight: 600; }
.page { display: none; }
.page:target { display: block; }
body:has(.page:target) #overview { display: none; }
.step { border: 1px solid var(--line); border-radius: 8px; margin: 10px 0; background: var(--paper); }
.step > header { display: flex; gap: 12px; align-items: baseline; padding: 8px 12px; border-bottom: 1px solid var(--line); background: var(--wash); border-radius: 8px 8px 0 0; }
.step > header .tool { font-family: ui-monospace, monospace; font-weight: 600; }
.step > div { padding: 6px 12px 10px; }
.step .monologue { font-style: italic; color: #34404e; white-space: pre-wrap; margin: 6px 0; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; background: var(--wash); border: 1px solid var(--line); }
.badge.good { background: #e6f4ea; border-color: #b7dfc3; color: #1f6b3a; }
.badge.bad { background: #fbeaea; border-color: #efc3c0; color: #8d2f28; }
details > summary { cursor: pointer; color: var(--muted); }
nav.back { margin: 0 0 12px; }
`;
