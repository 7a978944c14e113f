// Public API of preference pairs: strategies, edited ranges, A/B judgments and the file runner.
export {
  type AbCandidate,
  type AbJudgment,
  AbJudgmentSchema,
  makeAbPair,
  promptKey,
  ScoreGrouper,
  scoreOf,
} from "./ab.js";
export { type ChainPairStrategy, pairStrategies, pairsFromChain } from "./build.js";
export { type DiffRanges, diffRanges } from "./diff.js";
export { PairDeduper, type PairsSummary, type WritePairsOptions, writePairs } from "./run.js";
export { PreferencePairSchema } from "./schema.js";
export type * from "./types.js";
