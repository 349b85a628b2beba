import { trainSft } from './src/train/sft/sft-trainer.js';
import { trainSrl } from './src/train/srl/srl-trainer.js';
import { parseTrainConfig } from './src/train/config.js';
import { writeSyntheticSteps } from './test/train/helpers/synthetic-steps.js';
import { rmSync, mkdirSync } from 'node:fs';
rmSync('/tmp/trw/syn', { recursive: true, force: true }); mkdirSync('/tmp/trw/syn', { recursive: true });
const steps = await writeSyntheticSteps('/tmp/trw/syn/steps.jsonl');
const config = parseTrainConfig({ backend: process.argv[2], model: { preset: 'tiny', contextLength: 128 }, tokenizer: { vocabSize: 300 }, data: { validationFraction: 0 },
  sft: { steps: Number(process.argv[3] ?? 40), batchSize: 4, learningRate: 5e-3, warmupSteps: 2, minLearningRateRatio: 0.5, checkpointEvery: 100 },
  srl: { steps: 3, batchSize: 2, groupSize: 4, maxNewTokens: 40, temperature: 0.7, learningRate: 1e-4, checkpointEvery: 100, maxDroppedGroups: 8 } }, 'probe');
let t0 = Date.now();
const r = await trainSft({ config, outDir: '/tmp/trw/syn/sft', data: { kind: 'steps', path: steps }, onEvent: (e) => { if (e.type === 'step' && e.metrics.step % 10 === 0) console.log(JSON.stringify(e.metrics).slice(0, 200)); } });
console.log('sft', r.lastLoss, Date.now() - t0); t0 = Date.now();
const s = await trainSrl({ config, outDir: '/tmp/trw/syn/srl', init: r.modelDir, data: { kind: 'steps', path: steps }, onEvent: (e) => { if (e.type === 'step') console.log(JSON.stringify(e.metrics).slice(0, 600)); } });
console.log(s, Date.now() - t0);
