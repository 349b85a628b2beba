/**
 * The run report: one self-contained HTML file (styles inline, plots as inline SVG, no script, no
 * network) with the run at a glance, the plots, the figures of every stage, a slot for training
 * curves, and one viewer page per trajectory.
 */
import type { ReportData, TrainingCurves } from './collect-run.js';
import { Html, fixed, html, join, percent, seconds, table } from './html.js';
import { REPORT_CSS } from './style.js';
import { barChart, horizontalBars, lineChart } from './svg-charts.js';
import { trajectoryAnchor, trajectoryPage } from './trajectory-pages.js';

const TIER_ORDER = ['easy', 'medium', 'hard', 'all'];

/** The training figures the report knows by name, with how to title them. */
export const TRAINING_FIGURES: ReadonlyArray<{ key: string; title: string }> = [
  { key: 'loss', title: 'loss' },
  { key: 'val_loss', title: 'validation loss' },
  { key: 'reward_mean', title: 'mean reward' },
  { key: 'reward_std', title: 'reward std' },
  { key: 'kept_fraction', title: 'groups kept (dynamic sampling)' },
  { key: 'tokens_per_s', title: 'tokens/s' },
  { key: 'train_tokens_per_s', title: 'training tokens/s' },
  { key: 'sample_tokens_per_s', title: 'sampling tokens/s' },
  { key: 'val_reward', title: 'validation reward' },
  { key: 'heldout_resolve_rate', title: 'held-out resolve rate' },
]

function sortTiers(tiers: Iterable<string>): string[] {
  return [...new Set(tiers)].sort((a, b) => {
    const ia = TIER_ORDER.indexOf(a);
    const ib = TIER_ORDER.indexOf(b);
    return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || a.localeCompare(b);
  });
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function card(label: string, value: string, detail: string, name: string): Html {
  return html`<div class="card" data-card="${name}"><div class="label">${label}</div><div class="value">${value}</div><div class="detail">${detail}</div></div>`;
}

function glance(data: ReportData): Html {
  const cards: Html[] = [];
  for (const { stage, summary } of data.tasks) {
    const tiers = Object.values(summary.tiers);
    cards.push(card('tasks made', String(summary.instances), `${sortTiers(Object.keys(summary.tiers)).join(' / ')} · ${sum(tiers.map((tier) => tier.candidates))} candidates, ${sum(tiers.map((tier) => tier.dropped))} dropped · ${stage}`, 'tasks'));
  }
  for (const { stage, summary } of data.teachers) {
    cards.push(card('teacher resolve rate', percent(summary.resolve_rate), `${summary.resolved}/${summary.episodes} episodes resolved, ${summary.kept} kept · ${summary.policy} · ${stage}`, 'teacher'));
  }
  for (const { stage, summary } of data.steps) cards.push(card('SRL step instances', String(summary.steps), `from ${summary.trajectories} trajectories, H = ${summary.history} · ${stage}`, 'steps'));
  for (const { stage, summary } of data.rewardChecks) {
    cards.push(
      card(
        'reward check',
        summary.teacher.all_one ? 'teacher 1.00' : `${summary.teacher.below_one} below 1`,
        `teacher mean ${fixed(summary.teacher.mean, 3)} over ${summary.teacher.count}; perturbed mean ${fixed(summary.perturbed.mean)} ± ${fixed(summary.perturbed.std)}, ${percent(summary.groups.kept_fraction)} of groups kept · ${stage}`,
        'reward-check',
      ),
    );
  }
  for (const { stage, summary } of data.evaluations) {
    cards.push(card(`resolve rate · ${summary.model}`, percent(summary.resolve_rate), `${summary.resolved}/${summary.total - summary.error} resolved${summary.error ? `, ${summary.error} errors` : ''} · ${stage}`, 'evaluation'));
  }
  const total = sum(data.stages.map((stage) => stage.durationMs));
  cards.push(card('run time', seconds(total), `${data.stages.length} stages${data.backend ? ` · ${data.backend} sandboxes` : ''}`, 'time'));
  return html`<div class="cards" data-section="glance">${cards}</div>`;
}

function keyFigures(summary: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(summary)) {
    if (typeof value === 'number') parts.push(`${key.replace(/_/g, ' ')} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
    else if (typeof value === 'string' && value.length < 40) parts.push(`${key.replace(/_/g, ' ')} ${value}`);
    if (parts.length >= 5) break;
  }
  return parts.join(', ');
}

function stagesSection(data: ReportData): Html {
  const rows = data.stages.map((stage) => [stage.name, stage.type, html`<span class="${stage.status === 'done' ? 'ok' : 'fail'}">${stage.status}</span>`, seconds(stage.durationMs), stage.headline ?? keyFigures(stage.summary)]);
  const chart = horizontalBars({
    name: 'time-per-stage',
    title: 'Time per stage',
    items: data.stages.map((stage) => ({ label: stage.name, value: stage.durationMs / 1000, text: seconds(stage.durationMs) })),
    note: 'Wall time of each stage, summed over its attempts (a resumed stage counts every run); a stage skipped as finished shows the time it took when it ran.',
  });
  return html`<section class="block" id="stages"><h2>Stages</h2>${table('stages', ['stage', 'type', 'status', 'time', 'figures'], rows)}<div class="charts">${chart}</div></section>`;
}

function tasksSection(data: ReportData): Html {
  if (data.tasks.length === 0) return html``;
  const parts = data.tasks.map(({ stage, summary }) => {
    const tiers = sortTiers(Object.keys(summary.tiers));
    const kinds = [...new Set(tiers.flatMap((tier) => Object.keys(summary.tiers[tier]!.made_by_bug_kind)))].sort();
    const rows = tiers.map((tier) => {
      const entry = summary.tiers[tier]!;
      return [tier, ...kinds.map((kind) => entry.made_by_bug_kind[kind] ?? 0), html`<strong>${entry.made}</strong>`, entry.requested, entry.candidates, entry.dropped];
    });
    rows.push(['all', ...kinds.map((kind) => sum(tiers.map((tier) => summary.tiers[tier]!.made_by_bug_kind[kind] ?? 0))), html`<strong>${summary.instances}</strong>`, sum(tiers.map((tier) => summary.tiers[tier]!.requested)), sum(tiers.map((tier) => summary.tiers[tier]!.candidates)), sum(tiers.map((tier) => summary.tiers[tier]!.dropped))]);
    const reasons = [...new Set(tiers.flatMap((tier) => Object.keys(summary.tiers[tier]!.dropped_by_reason)))].sort();
    const dropRows = reasons.map((reason) => [reason, ...tiers.map((tier) => summary.tiers[tier]!.dropped_by_reason[reason] ?? 0)]);
    const chart = barChart({
      name: 'tasks-per-tier',
      title: 'Tasks per tier',
      categories: tiers,
      series: [
        { name: 'validated', values: tiers.map((tier) => summary.tiers[tier]!.made) },
        { name: 'dropped', values: tiers.map((tier) => summary.tiers[tier]!.dropped) },
      ],
      note: `Candidates drawn from seed ${summary.seed} (${summary.split} split) until the count validated: FAIL_TO_PASS fail before the gold patch and pass after, PASS_TO_PASS pass both times.`,
    });
    return html`<h3>${stage} · ${summary.split} split, seed ${summary.seed}</h3>
${table('tasks', ['tier', ...kinds, 'validated', 'asked', 'candidates', 'dropped'], rows, 'Tasks made and validated, per tier and bug kind')}
${dropRows.length > 0 ? table('tasks-dropped', ['dropped because', ...tiers], dropRows, 'Candidates dropped, by reason') : html`<p class="muted">No candidate was dropped.</p>`}
<div class="charts">${chart}</div>`;
  });
  return html`<section class="block" id="tasks"><h2>Tasks</h2>${parts}</section>`;
}

function teacherSection(data: ReportData): Html {
  if (data.teachers.length === 0) return html``;
  const parts = data.teachers.map(({ stage, summary }) => {
    const tiers = sortTiers(Object.keys(summary.by_tier));
    const rows = tiers.map((tier) => [tier, summary.by_tier[tier]!.resolved, summary.by_tier[tier]!.total, percent(summary.by_tier[tier]!.rate)]);
    rows.push(['all', summary.resolved, summary.episodes - summary.errors, percent(summary.resolve_rate)]);
    const exits = Object.entries(summary.exit_statuses).map(([status, count]) => `${status} ${count}`).join(', ');
    return html`<h3>${stage} · policy ${summary.policy}, ${summary.samples} sample${summary.samples === 1 ? '' : 's'} per task</h3>
${table('teacher', ['tier', 'resolved', 'episodes', 'resolve rate'], rows, 'Teacher episodes whose patch the evaluation resolved')}
<p>${summary.kept} trajectories kept (only resolving ones). Steps per episode: mean ${fixed(summary.steps.mean, 1)}, min ${summary.steps.min}, max ${summary.steps.max}. Exit statuses: ${exits || 'none'}.${summary.errors ? html` <span class="warn">${summary.errors} episodes hit an infrastructure error and are not counted.</span>` : ''}</p>`;
  });
  return html`<section class="block" id="teacher"><h2>Teacher</h2>${parts}</section>`;
}

function stepsSection(data: ReportData): Html {
  if (data.steps.length === 0) return html``;
  const parts = data.steps.map(({ stage, summary }) => {
    const rows = Object.entries(summary.steps_by_tool)
      .sort(([, a], [, b]) => b - a)
      .map(([tool, count]) => [tool, count, percent(count / Math.max(1, summary.steps))]);
    const per = summary.steps_per_trajectory;
    return html`<h3>${stage}</h3><p>${summary.steps} step instances from ${summary.trajectories} trajectories (${summary.form} form; context: the issue and the ${summary.history} most recent rounds)${per ? `; ${fixed(per.mean, 1)} per trajectory (min ${per.min}, max ${per.max})` : ''}.</p>${table('steps', ['target tool', 'steps', 'share'], rows)}`;
  });
  return html`<section class="block" id="steps"><h2>SRL step instances</h2>${parts}</section>`;
}

function histogramLabels(edges: readonly number[]): string[] {
  return ['−1', ...edges.slice(0, -1).map((edge, index) => (index === edges.length - 2 ? `${edge.toFixed(1)}–1` : `${edge.toFixed(1)}`))];
}

function rewardSection(data: ReportData): Html {
  if (data.rewardChecks.length === 0) return html``;
  const parts = data.rewardChecks.map(({ stage, summary }) => {
    const labels = histogramLabels(summary.perturbed.histogram.edges);
    const share = (histogram: typeof summary.teacher.histogram, count: number) => [histogram.format_errors, ...histogram.counts].map((value) => (count === 0 ? 0 : value / count));
    const chart = barChart({
      name: 'reward-histogram',
      title: 'SRL reward distribution',
      categories: labels,
      percent: true,
      width: 640,
      series: [
        { name: `teacher (${summary.teacher.count})`, values: share(summary.teacher.histogram, summary.teacher.count) },
        { name: `perturbed policy (${summary.perturbed.count})`, values: share(summary.perturbed.histogram, summary.perturbed.count) },
      ],
      barLabels: [
        [summary.teacher.histogram.format_errors, ...summary.teacher.histogram.counts].map(String),
        [summary.perturbed.histogram.format_errors, ...summary.perturbed.histogram.counts].map(String),
      ],
      note: `Share of responses per reward bin (bar labels are counts); −1 is a format violation. The perturbed policy answers each step ${summary.perturbed.samples_per_step} times (seed ${summary.perturbed.seed}).`,
    });
    const kindRows = Object.entries(summary.perturbed.by_kind).map(([kind, dist]) => [kind, dist.count, fixed(dist.mean), fixed(dist.std), fixed(dist.min), fixed(dist.max)]);
    const teacherLine = summary.teacher.all_one
      ? html`<p class="ok" data-teacher-check="pass">All ${summary.teacher.count} teacher actions score 1.0 against themselves.</p>`
      : html`<p class="fail" data-teacher-check="fail">${summary.teacher.below_one} of ${summary.teacher.count} teacher actions score below 1.0 (first: ${summary.teacher.below_one_examples[0]?.step_id ?? ''}).</p>`;
    return html`<h3>${stage}</h3>${teacherLine}
${table('reward-by-kind', ['perturbation', 'responses', 'mean', 'std', 'min', 'max'], kindRows, 'Perturbed policy, by kind of perturbation')}
<p>GRPO groups of ${summary.groups.size}: ${summary.groups.kept} of ${summary.groups.total} kept by dynamic sampling (reward std &gt; ${summary.groups.epsilon}), ${percent(summary.groups.kept_fraction)}.</p>
<div class="charts">${chart}</div>`;
  });
  return html`<section class="block" id="reward-check"><h2>Reward check</h2>${parts}</section>`;
}

function evaluationSection(data: ReportData): Html {
  if (data.evaluations.length === 0 && data.teachers.length === 0) return html``;
  const rows = data.evaluations.map(({ stage, summary }) => [stage, summary.model, summary.total, summary.resolved, summary.unresolved, summary.empty_patch, summary.error, percent(summary.resolve_rate, 1)]);
  const tiers = sortTiers([...data.evaluations.flatMap(({ summary }) => Object.keys(summary.by_tier)), ...data.teachers.flatMap(({ summary }) => Object.keys(summary.by_tier))]);
  const series = [
    ...data.teachers.map(({ stage, summary }) => ({ name: `${stage} (teacher)`, rates: summary.by_tier })),
    ...data.evaluations.map(({ stage, summary }) => ({ name: `${stage} (${summary.model})`, rates: summary.by_tier })),
  ];
  const chart =
    tiers.length > 0 && series.length > 0
      ? barChart({
          name: 'resolve-rate-per-tier',
          title: 'Resolve rate per tier',
          categories: tiers,
          percent: true,
          series: series.map((item) => ({ name: item.name, values: tiers.map((tier) => item.rates[tier]?.rate ?? 0) })),
          barLabels: series.map((item) => tiers.map((tier) => (item.rates[tier] ? `${item.rates[tier]!.resolved}/${item.rates[tier]!.total}` : '–'))),
          note: 'Bar labels are resolved / graded instances; infrastructure errors are left out of both.',
        })
      : html``;
  const tierRows = data.evaluations.flatMap(({ stage, summary }) => sortTiers(Object.keys(summary.by_tier)).map((tier) => [`${stage} · ${tier}`, summary.by_tier[tier]!.resolved, summary.by_tier[tier]!.total, percent(summary.by_tier[tier]!.rate, 1)]));
  return html`<section class="block" id="evaluation"><h2>Evaluation</h2>
${rows.length > 0 ? table('evaluation', ['stage', 'model', 'instances', 'resolved', 'unresolved', 'empty patch', 'error', 'resolve rate'], rows, 'Graded as SWE-bench does: resolved when every FAIL_TO_PASS and PASS_TO_PASS test passes') : html`<p class="muted">No evaluation stage in this run.</p>`}
${tierRows.length > 0 ? table('evaluation-per-tier', ['stage · tier', 'resolved', 'graded', 'resolve rate'], tierRows) : ''}
<div class="charts">${chart}</div></section>`;
}

function trainingCharts(curves: TrainingCurves): Html {
  const steps = new Set(curves.records.filter((record) => typeof record.loss === 'number' || typeof record.reward_mean === 'number').map((record) => record.step)).size;
  const figures = TRAINING_FIGURES.map((figure) => {
    const points = curves.records.filter((record) => typeof record[figure.key] === 'number').map((record) => [record.step, record[figure.key] as number] as const);
    if (points.length === 0) return html``;
    return lineChart({ name: `training-${figure.key}`, title: `${curves.stage}: ${figure.title}`, series: [{ name: figure.title, points }], xLabel: 'step' });
  });
  const known = new Set(['step', 'stage', ...TRAINING_FIGURES.map((figure) => figure.key)]);
  const others = [...new Set(curves.records.flatMap((record) => Object.keys(record)))].filter((key) => !known.has(key) && curves.records.some((record) => typeof record[key] === 'number'));
  // The other figures (learning rate, gradient norm, counters…) as their last values rather than a wall of plots.
  const lastOf = (key: string) => [...curves.records].reverse().find((record) => typeof record[key] === 'number')?.[key] as number;
  const extra = others.length > 0 ? table(`training-figures-${curves.stage}`, ['figure', 'last value'], others.map((key) => [key, Number.isInteger(lastOf(key)) ? lastOf(key) : fixed(lastOf(key), 4)])) : html``;
  return html`<h3>${curves.stage} (${curves.type}) · ${steps} steps logged</h3><div class="charts">${figures}</div>${extra}`;
}

function trainingSection(data: ReportData): Html {
  const body =
    data.training.length === 0
      ? html`<div class="slot" data-slot="training-curves">No training stage in this run. The trainer's stages (<code>sft</code>, <code>srl</code>, <code>rlvr</code>) write <code>metrics.jsonl</code> in their folders (loss, mean reward, reward std, groups kept, tokens/s, validation loss and reward, held-out resolve rate), and their curves appear here.</div>`
      : join(data.training.map(trainingCharts));
  return html`<section class="block" id="training"><h2>Training curves</h2>${body}</section>`;
}

function trajectoriesSection(data: ReportData): Html {
  if (data.trajectories.length === 0) return html``;
  const rows = data.trajectories.map((view) => [
    html`<a href="#${trajectoryAnchor(view)}">${view.id}</a>`,
    view.stage,
    view.tier ?? '–',
    view.bugKind ?? '–',
    view.trajectory.steps.length,
    view.verdicts ? html`<span class="${view.verdicts.status === 'resolved' ? 'ok' : 'fail'}">${view.verdicts.status}</span>` : '–',
  ]);
  return html`<section class="block" id="trajectories"><h2>Trajectories</h2>${table('trajectories', ['trajectory', 'stage', 'tier', 'bug kind', 'steps', 'verdict'], rows)}${data.trajectoriesLeftOut > 0 ? html`<p class="muted">${data.trajectoriesLeftOut} more trajectories are in the run directory and not shown here.</p>` : ''}</section>`;
}

export function renderReport(data: ReportData): string {
  const subtitle = [data.pipelineFile ? html`pipeline <code>${data.pipelineFile}</code>` : '', html`run <code>${data.runDir}</code>`, `made ${data.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`];
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${data.title}</title><style>${new Html(REPORT_CSS)}</style></head>
<body>
<header class="top"><h1>${data.title}</h1><p>${join(subtitle, ' · ')}</p>${data.description ? html`<p>${data.description}</p>` : ''}</header>
<div id="overview"><main>
${glance(data)}
${stagesSection(data)}
${tasksSection(data)}
${teacherSection(data)}
${stepsSection(data)}
${rewardSection(data)}
${evaluationSection(data)}
${trainingSection(data)}
${trajectoriesSection(data)}
</main></div>
${data.trajectories.map(trajectoryPage)}
</body></html>
`;
  return page.text;
}
