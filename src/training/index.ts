// Public API of the training folder: preference training (DPO and variants), SFT, metrics.
//
//   import { initEngine, createModel, buildWordTokenizer, wordTokenizer } from "../model/index.js";
//   import { trainSft, trainDpo, sequenceLogps, preferenceMetrics } from "../training/index.js";
//
//   await initEngine();
//   const tokenizer = wordTokenizer(buildWordTokenizer(words));
//   const base = createModel({ arch: "llama", vocabSize: tokenizer.vocabSize, hidden: 64,
//     layers: 2, heads: 4, maxPositions: 128 }, 1);
//   const sft = await trainSft({ training: { learningRate: 1e-3, epochs: 3 } },
//     { model: base, tokenizer, examples });               // base is not modified
//   const dpo = await trainDpo({ training: { loss: "sigmoid", beta: 0.1, learningRate: 5e-4 },
//     data: { mask: "edit" } }, { model: sft.model, tokenizer, pairs, evalPairs,
//     logger, onStep: (r) => console.log(r.step, r.loss) });
//   const pol = await sequenceLogps(dpo.model, tokenizer, heldOut);
//   const ref = await sequenceLogps(sft.model, tokenizer, heldOut);
//   preferenceMetrics(pol.chosen, pol.rejected, ref.chosen, ref.rejected, 0.1);
//   // -> { "rewards/accuracies": ..., "rewards/margins": ..., ... }
export {
  buildPairBatch,
  type LossMask,
  type PairBatch,
  planBatches,
  type TokenizedPair,
  tokenizePairs,
} from "./batching.js";
export {
  type Checkpoint,
  latestCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  type TrainerState,
} from "./checkpoint.js";
export {
  parseTrainConfig,
  type TrainConfig,
  type TrainConfigInput,
  trainConfigSchema,
} from "./config.js";
export { pairProblem, readPairsFile, readSftFile, type SftExample, splitByGroup } from "./data.js";
export {
  evaluatePairs,
  type SequenceLogpsOptions,
  sequenceLogps,
  type TrainDpoOptions,
  trainDpo,
} from "./dpo.js";
export { configHash, type StepRecord, type TrainResult } from "./loop.js";
export { type LossType, lossTypes, type PreferenceLossOptions, preferenceLoss } from "./losses.js";
export {
  averageMetrics,
  evalPrefixed,
  formatStepLine,
  type Metrics,
  MetricsWriter,
  preferenceMetrics,
} from "./metrics.js";
export {
  type AdamWOptions,
  type AdamWState,
  applyAdamW,
  compileAdamW,
  initAdamW,
  learningRate,
} from "./optimizer.js";
export {
  clearReferenceMemory,
  computePairLogps,
  modelFingerprint,
  type PairLogpValues,
  referenceLogps,
} from "./reference.js";
export { cloneModel, type TrainOptions } from "./setup.js";
export { type TrainSftOptions, trainSft } from "./sft.js";
export {
  compilePairLogps,
  compilePreferenceStep,
  compileSftStep,
  type DeviceBatch,
  type LossSettings,
  pairLogps,
  preferenceObjective,
  uploadBatch,
} from "./step.js";
