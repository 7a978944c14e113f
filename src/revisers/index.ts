// Public API of the LLM revisers: backends (OpenAI-compatible, Ollama), the reviser that asks
// them for rewrites, and the machinery for runs at scale (limits, retries, cache, journal,
// runner, Batch API).
export {
  type Backend,
  type BackendConfig,
  BackendConfigSchema,
  createBackendReviser,
  openBackend,
  parseBackendConfig,
} from "./backend.js";
export {
  type BatchChainsOptions,
  type BatchChainsReport,
  runBatchChains,
} from "./batch.js";
export { cachedCompleter, ResponseCache } from "./cache.js";
export {
  checkRewrite,
  deletionAsked,
  type LocalityCheck,
  type RewriteVerdict,
} from "./check.js";
export {
  type ChatMessage,
  type Completer,
  type Completion,
  type CompletionRequest,
  completionKey,
  type OutputSchema,
  type TokenUsage,
  UsageMeter,
} from "./completion.js";
export { Journal, type JournalStep, journaledReviser, stepKey } from "./journal.js";
export { RateLimiter, Semaphore, sharedRateLimiter } from "./limits.js";
export { createLlmReviser, type LlmReviser, type LlmReviserOptions } from "./llm.js";
export { OllamaCompleter, type OllamaCompleterOptions } from "./ollama.js";
export { createOpenAIClient, OpenAICompleter, type OpenAICompleterOptions } from "./openai.js";
export { type ParsedReply, parseReplacement } from "./parse.js";
export {
  buildReviseMessages,
  defaultTemplateDir,
  loadTemplates,
  type ReviseTemplates,
  replacementSchema,
} from "./prompt.js";
export { llmReviserEntries } from "./registry.js";
export { type RetryOptions, ServerCallError, withRetries } from "./retry.js";
export {
  type RunChainsOptions,
  type RunChainsReport,
  RunInterruptedError,
  runChains,
} from "./run-chains.js";
