/**
 * `report`: the run's HTML report (src/report), from the records of every stage before it. It
 * reads the whole run, so any change before it makes it again.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { writeRunReport } from '../../report/index.js';
import type { StageDefinition } from '../stage.js';

const settingsSchema = z.strictObject({
  title: z.string().min(1).default('swe-srl run report'),
  /** Trajectories given a viewer page. */
  maxTrajectories: z.number().int().min(0).default(60),
});

export const reportStage: StageDefinition<typeof settingsSchema> = {
  type: 'report',
  description: 'one self-contained HTML file: the run at a glance, plots, and a viewer page per trajectory',
  settings: settingsSchema,
  inputs: {},
  outputs: { report: { kind: 'report', description: 'report.html, opens offline' } },
  version: 1,
  readsWholeRun: true,
  async run({ settings, dir, runDir, earlier, progress, pipeline }) {
    const path = join(dir, 'report.html');
    progress.total(1, 'files', 'writing the report');
    const backend = earlier.find((view) => view.backend !== undefined)?.backend;
    const data = await writeRunReport(path, runDir, earlier, {
      title: settings.title,
      maxTrajectories: settings.maxTrajectories,
      pipelineFile: pipeline.file,
      ...(pipeline.description ? { description: pipeline.description } : {}),
      ...(backend ? { backend } : {}),
    });
    progress.advance();
    return { outputs: { report: { kind: 'report', files: { html: path } } }, summary: { trajectories: data.trajectories.length, stages: data.stages.length }, headline: path };
  },
};
