/** What batch runs (eval, rollout) share: the worker pool and the resume convention. */
export { runWithWorkers } from './worker-pool.js';
export { planResume, checkRunId, newRunId, type ResumeOptions, type ResumePlan } from './resume.js';
