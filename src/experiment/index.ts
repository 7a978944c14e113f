// Public API of the bundled experiment: the task (world, checker, annotator), the arms, the
// loop and its presets, and `redline run` for a user's own project.
//
//   const config = ExperimentConfigSchema.parse(SHORT_PRESET);
//   const { summary } = await runBundledExperiment(config, { logger });
export {
  type AbJudgment,
  type AnnotatorNoise,
  annotateAnswer,
  judgeAb,
  NOISELESS,
} from "./annotator.js";
export { type AnnotatedAnswer, type ArmPairs, buildChains, pairsForArm } from "./arms.js";
export { createTrainerBackend } from "./backend.js";
export { type CheckResult, checkAnswer, errorRate, tallyChecks } from "./checker.js";
export {
  ARMS,
  type Arm,
  type ExperimentConfig,
  ExperimentConfigSchema,
  FULL_PRESET,
  SHORT_PRESET,
} from "./config.js";
export { buildHeldOutSet, evaluateModel, type HeldOutSet } from "./evaluate.js";
export { rerenderReport, runBundledExperiment } from "./main.js";
export { createRng, type Rng } from "./rng.js";
export { type ExperimentBackend, runExperiment } from "./run.js";
export { buildSftCorpus, readTaskSpec, splitTask, type TaskSpec, TaskSpecSchema } from "./task.js";
export { buildTaskTokenizer } from "./tokenizer.js";
export {
  readUserRunConfig,
  runUserPipeline,
  type UserRunConfig,
  UserRunConfigSchema,
} from "./user-run.js";
export { generateWorld, renderAnswer, renderPrompt, type TaskPrompt, type World } from "./world.js";
