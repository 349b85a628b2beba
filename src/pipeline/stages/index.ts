/**
 * The built-in stage types, registered in pipeline order. Another part of the project adds its
 * stage with one line here (the trainer: `registerStage(sftStage)`, …).
 */
import { registerStage, stageDefinition } from '../registry.js';
import { evaluateStage } from './evaluate.js';
import { filesStage } from './files.js';
import { imagesStage } from './images.js';
import { mathRlvrStage } from './math-rlvr.js';
import { mathStepsStage } from './math-steps.js';
import { mathTasksStage } from './math-tasks.js';
import { reportStage } from './report.js';
import { rlvrStage } from './rlvr.js';
import { sftStage } from './sft.js';
import { srlStage } from './srl.js';
import { rewardCheckStage } from './reward-check.js';
import { stepsStage } from './steps.js';
import { tasksStage } from './tasks.js';
import { teacherStage } from './teacher.js';

const BUILTIN_STAGES = [tasksStage, filesStage, imagesStage, teacherStage, stepsStage, rewardCheckStage, sftStage, srlStage, rlvrStage, mathTasksStage, mathStepsStage, mathRlvrStage, evaluateStage, reportStage];

/** Registers the built-in stages (once; later calls do nothing). */
export function registerBuiltinStages(): void {
  for (const stage of BUILTIN_STAGES) if (!stageDefinition(stage.type)) registerStage(stage);
}
