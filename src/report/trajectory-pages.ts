/**
 * The trajectory viewer, in the spirit of SWE-agent's inspector: one page per trajectory with, for
 * each step, the monologue, the action, the observation and its SRL reward, then the final patch
 * and the test verdicts. Each page is a section of the report file reached by its fragment.
 */
import type { TrajectoryView } from './collect-run.js';
import { Html, anchorId, fixed, html, join, table } from './html.js';

/** Observations longer than this are cut in the page (the store keeps them whole). */
const OBSERVATION_LIMIT = 12_000;

export function trajectoryAnchor(view: TrajectoryView): string {
  return anchorId('traj', `${view.stage}/${view.id}`);
}

function clip(text: string): string {
  if (text.length <= OBSERVATION_LIMIT) return text;
  const head = text.slice(0, OBSERVATION_LIMIT * 0.7);
  const tail = text.slice(text.length - OBSERVATION_LIMIT * 0.3);
  return `${head}\n\n[… ${text.length - head.length - tail.length} characters not shown …]\n\n${tail}`;
}

function patchView(patch: string): Html {
  const lines = patch.split('\n').map((line) => {
    const kind = line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') ? 'file' : line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : '';
    return kind ? html`<span class="${kind}">${line}</span>` : html`${line}`;
  });
  return html`<pre class="patch" data-patch>${join(lines, '\n')}</pre>`;
}

function rewardBadge(view: TrajectoryView, index: number): Html {
  const reward = view.rewards[index];
  if (!reward || (reward.teacher === undefined && reward.perturbed.length === 0)) return html`<span class="badge muted">no SRL reward in this run</span>`;
  const own = reward.teacher === undefined ? '' : html`<span class="badge ${reward.teacher === 1 ? 'good' : 'bad'}" data-srl-reward="${fixed(reward.teacher)}">SRL reward ${fixed(reward.teacher)}</span> `;
  const mean = reward.perturbed.length === 0 ? undefined : reward.perturbed.reduce((sum, value) => sum + value, 0) / reward.perturbed.length;
  const perturbed =
    mean === undefined
      ? ''
      : html`<span class="badge" title="${reward.perturbed.map((value) => fixed(value)).join(', ')}">perturbed policy: mean ${fixed(mean)} over ${reward.perturbed.length}</span>`;
  return html`${own}${perturbed}`;
}

function verdictTable(view: TrajectoryView): Html {
  const verdicts = view.verdicts;
  if (!verdicts) return html`<p class="muted">No test verdicts recorded for this trajectory.</p>`;
  const rows: Array<Array<string | Html>> = [];
  for (const group of ['FAIL_TO_PASS', 'PASS_TO_PASS'] as const) {
    for (const test of verdicts[group].success) rows.push([test, group, html`<span class="ok">passed</span>`]);
    for (const test of verdicts[group].failure) rows.push([test, group, html`<span class="fail">failed</span>`]);
  }
  return html`<p>Verdict: <span class="${verdicts.status === 'resolved' ? 'ok' : 'fail'}" data-verdict>${verdicts.status}</span></p>${table('test-verdicts', ['test', 'set', 'after the patch'], rows)}`;
}

export function trajectoryPage(view: TrajectoryView): Html {
  const { trajectory } = view;
  const steps = trajectory.steps.map(
    (step, index) => html`<article class="step" data-step="${index + 1}">
<header><span>step ${index + 1}</span><span class="tool">${step.parsed_action.tool}</span>${rewardBadge(view, index)}</header>
<div>
<p class="monologue">${step.thought || '(no monologue)'}</p>
<pre class="action">${step.action}</pre>
<details${step.observation.length < 1500 ? ' open' : ''}><summary>observation (${step.observation.length} characters)</summary><pre class="observation">${clip(step.observation)}</pre></details>
</div>
</article>`,
  );
  const meta = [view.tier ? `tier ${view.tier}` : '', view.bugKind ? `bug kind ${view.bugKind}` : '', trajectory.model_name ? `policy ${trajectory.model_name}` : '', `exit ${trajectory.exit_status ?? 'unknown'}`, `${trajectory.steps.length} steps`].filter(Boolean).join(' · ');
  return html`<section class="page" id="${trajectoryAnchor(view)}" data-trajectory="${view.id}">
<main>
<nav class="back"><a href="#overview">← back to the run</a></nav>
<section class="block"><h2>${trajectory.instance_id}</h2><p class="muted">${meta} · from stage ${view.stage}</p>
<details><summary>problem statement</summary><pre>${trajectory.problem_statement}</pre></details></section>
<section class="block"><h2>Steps</h2>${steps}</section>
<section class="block"><h2>Final patch</h2>${trajectory.final_patch ? patchView(trajectory.final_patch) : html`<p class="muted">No patch.</p>`}</section>
<section class="block"><h2>Test verdicts</h2>${verdictTable(view)}</section>
</main>
</section>`;
}
