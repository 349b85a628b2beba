/**
 * Expert trajectories: the scripted teacher (a policy that solves the built-in tasks from their
 * teacher sidecar) and the teacher run (any policy, G samples, kept only when the evaluation
 * resolves the patch).
 */
export { runTeacher, teacherPaths, readTeacherSummary, type RunTeacherOptions, type TeacherEvent, type TeacherPaths, type TeacherPolicy, type TeacherRunSummary } from './run-teacher.js';
export { ScriptedTeacherPolicy, planSteps, registerScriptedTeacher, SCRIPTED_TEACHER_NAME, SCRIPTED_TEACHER_TYPE, type ScriptedTeacherOptions } from './scripted/scripted-teacher.js';
