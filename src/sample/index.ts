// Public API of sampling: draw N answers per prompt for annotation or A/B candidates.
export { LocalModelCompleter } from "./local-model.js";
export {
  type CandidateSet,
  readPrompts,
  type SampleFormat,
  type SampleOptions,
  type SamplePrompt,
  type SampleReport,
  samplePrompts,
  toMessages,
} from "./sample.js";
