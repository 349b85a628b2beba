import { trainSft } from './src/train/sft/sft-trainer.js';
import { parseTrainConfig } from './src/train/config.js';
const config = parseTrainConfig({ backend: process.argv[2], model: { preset: 'tiny' }, sft: { steps: Number(process.argv[3] ?? 4), batchSize: 2, evalEvery: 2, checkpointEvery: 2, warmupSteps: 1 }, data: { validationFraction: 0.2 } }, 'probe');
const t0 = Date.now();
const r = await trainSft({ config, maxSteps: process.argv[4] ? Number(process.argv[4]) : undefined, outDir: '/tmp/trw/sft-' + process.argv[2], data: { kind: 'trajectory-steps', path: '../shared/data/sweagent/pydicom__pydicom-1458.traj' }, onEvent: (e) => console.log(JSON.stringify(e).slice(0, 300)) });
console.log(r, Date.now() - t0);
