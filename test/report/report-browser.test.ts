/**
 * The report in a real browser (Debian's Chromium, headless, no network): a pipeline over the
 * shared SWE-agent trajectories (steps, reward check, a stage writing training metrics) makes the
 * report; the page must show its tables and plots, open a trajectory's viewer page by its link,
 * log no console error and ask for nothing outside the file. A screenshot is saved.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePipeline, runPipeline } from '../../src/pipeline/index.js';
import { collectRunData, renderReport } from '../../src/report/index.js';
import { openInBrowser, skipWithoutChromium } from '../helpers/browser.js';
import { projectRoot } from '../helpers/cli.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { registerTestStages, resetCalls } from '../pipeline/helpers/test-stages.js';

registerTestStages();

const skip = skipWithoutChromium || skipUnlessShared('sweagent', 'pydicom__pydicom-1458.traj');
/** Where the screenshot goes (kept after the test, for a person or CI to look at). */
const screenshotDir = join(projectRoot, '.swe-srl', 'test-output');

test('the report opens offline in Chromium with its tables, plots and trajectory pages, and no console error', { skip, timeout: 180_000 }, async () => {
  await withTempDir(async (dir) => {
    resetCalls();
    const text = [
      'description: report test',
      `runDir: ${join(dir, 'run')}`,
      'stages:',
      '  - stage: files',
      '    name: shared',
      `    trajectories: [${sharedDataPath('sweagent', 'pydicom__pydicom-1458.traj')}, ${sharedDataPath('sweagent', 'xml_function_calling_demo.jsonl')}]`,
      '  - stage: steps',
      '  - stage: reward-check',
      '  - stage: test-items',
      '    name: train',
      '    items: 6',
      '  - stage: report',
      '    title: Report test',
      '',
    ].join('\n');
    const { report, stages } = await runPipeline(parsePipeline(text, join(dir, 'p.yaml')));
    assert.ok(report);

    const opened = await openInBrowser(report);
    try {
      const { page } = opened;
      assert.equal(await page.title(), 'Report test');
      for (const name of ['stages', 'steps', 'reward-by-kind', 'trajectories']) {
        assert.ok((await page.locator(`table[data-table="${name}"] tbody tr`).count()) > 0, `table ${name} has rows`);
      }
      for (const name of ['time-per-stage', 'reward-histogram', 'training-loss', 'training-reward_mean']) {
        const chart = page.locator(`figure[data-chart="${name}"] svg`);
        assert.equal(await chart.count(), 1, `chart ${name} is there`);
        assert.ok((await chart.locator('rect, path').count()) > 0, `chart ${name} draws something`);
        const box = await chart.boundingBox();
        assert.ok(box && box.width > 100 && box.height > 40, `chart ${name} is visible`);
      }
      assert.match((await page.locator('[data-card="reward-check"] .value').textContent()) ?? '', /teacher 1\.00/);
      assert.equal(await page.locator('[data-teacher-check="pass"]').count(), 1);
      // Five stages ran before the report: each has a row and a bar.
      assert.equal(await page.locator('table[data-table="stages"] tbody tr').count(), stages.length - 1);
      await mkdir(screenshotDir, { recursive: true });
      await page.screenshot({ path: join(screenshotDir, 'report.png'), fullPage: true });

      // The viewer: the link opens the trajectory's page and hides the overview.
      await page.locator('table[data-table="trajectories"] a', { hasText: 'pydicom__pydicom-1458' }).click();
      const viewer = page.locator('section.page[data-trajectory="pydicom__pydicom-1458"]');
      assert.ok(await viewer.isVisible());
      assert.equal(await page.locator('#overview').isVisible(), false);
      assert.equal(await viewer.locator('article.step').count(), 12);
      assert.equal(await viewer.locator('[data-srl-reward="1.00"]').count(), 12, 'each step shows its SRL reward');
      assert.ok((await viewer.locator('pre.action').first().textContent())!.length > 0);
      assert.ok(await viewer.locator('pre[data-patch]').isVisible());
      await page.screenshot({ path: join(screenshotDir, 'report-trajectory.png'), fullPage: false });
      await page.locator('nav.back a').first().click();
      assert.ok(await page.locator('#overview').isVisible());

      assert.deepEqual(opened.errors, [], 'no console errors');
      assert.deepEqual(opened.outside, [], 'no request leaves the file');
    } finally {
      await opened.close();
    }
  }, 'report-browser');
});

test('the evaluation, tasks and teacher sections show their counts and resolve rates per tier', { skip: skipWithoutChromium, timeout: 120_000 }, async () => {
  await withTempDir(async (dir) => {
    const data = await collectRunData(dir, []);
    const rate = (resolved: number, total: number) => ({ resolved, total, rate: resolved / total });
    data.tasks.push({
      stage: 'tasks',
      summary: {
        split: 'train',
        seed: 7,
        instances: 5,
        tiers: {
          easy: { requested: 3, made: 3, candidates: 4, dropped: 1, dropped_by_reason: { no_failing_test: 1 }, made_by_bug_kind: { flipped_operator: 2, wrong_constant: 1 }, made_by_template: {} },
          hard: { requested: 2, made: 2, candidates: 2, dropped: 0, dropped_by_reason: {}, made_by_bug_kind: { wrong_variable: 2 }, made_by_template: {} },
        },
      },
    });
    data.teachers.push({
      stage: 'teacher',
      summary: { policy: 'scripted', samples: 1, instances: 5, episodes: 5, resolved: 4, kept: 4, resolve_rate: 0.8, instances_resolved: 4, by_tier: { easy: rate(3, 3), hard: rate(1, 2) }, by_bug_kind: {}, exit_statuses: { submitted: 5 }, steps: { mean: 8, min: 7, max: 10 }, errors: 0 },
    });
    data.evaluations.push({
      stage: 'evaluate',
      summary: { model: 'teacher', gold: false, total: 5, resolved: 4, unresolved: 1, empty_patch: 0, error: 0, resolve_rate: 0.8, by_tier: { easy: rate(3, 3), hard: rate(1, 2) }, by_bug_kind: {}, resolved_ids: [], unresolved_ids: [], error_ids: [] },
    });
    const file = join(dir, 'report.html');
    await writeFile(file, renderReport(data));
    assert.doesNotMatch(await readFile(file, 'utf8'), /https?:\/\//, 'the file names no URL');
    const opened = await openInBrowser(file);
    try {
      const { page } = opened;
      const rows = await page.locator('table[data-table="tasks"] tbody tr').allTextContents();
      assert.equal(rows.length, 3);
      assert.match(rows[0]!, /^easy\s*2\s*1\s*0\s*3\s*3\s*4\s*1$/);
      assert.match(rows[2]!, /^all/);
      assert.match(await page.locator('table[data-table="evaluation"] tbody tr').first().textContent() ?? '', /evaluate\s*teacher\s*5\s*4\s*1\s*0\s*0\s*80\.0%/);
      const bars = page.locator('figure[data-chart="resolve-rate-per-tier"] rect.bar');
      assert.equal(await bars.count(), 4, 'two tiers × (teacher, evaluation)');
      assert.match(await page.locator('figure[data-chart="resolve-rate-per-tier"]').textContent() ?? '', /1\/2/);
      assert.equal(await page.locator('[data-slot="training-curves"]').count(), 1, 'the training slot says what will go there');
      assert.deepEqual(opened.errors, []);
      assert.deepEqual(opened.outside, []);
    } finally {
      await opened.close();
    }
  }, 'report-sections');
});
