// Public API of improvement chains: build one chain, stream a file of them, pick a reviser.
export { type BuildChainOptions, buildChain, remapRange, rewriteOrder } from "./build.js";
export { checkLocality, type LikedPlacement, type LocalityInput } from "./locality.js";
export {
  createReviser,
  listRevisers,
  type ReviserEntry,
  type ReviserFactory,
  type ReviserOptions,
  registerReviser,
} from "./revisers.js";
export { type ChainsSummary, mapOrdered, type WriteChainsOptions, writeChains } from "./run.js";
export { ChainSchema } from "./schema.js";
export { createSuggestionReviser } from "./suggestion-reviser.js";
export type * from "./types.js";
