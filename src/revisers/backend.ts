// Builds a model backend and an LLM reviser from plain options, as the command line and the
// reviser registry pass them: `--reviser openai|ollama --base-url URL --model NAME ...`.
import { z } from "zod";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import { cachedCompleter, ResponseCache } from "./cache.js";
import type { Completer } from "./completion.js";
import { UsageMeter } from "./completion.js";
import { createLlmReviser, type LlmReviser } from "./llm.js";
import { OllamaCompleter } from "./ollama.js";
import { OpenAICompleter } from "./openai.js";
import { loadTemplates } from "./prompt.js";

/** Settings of a model backend and of the reviser on top of it, with defaults. */
export const BackendConfigSchema = z.object({
  backend: z.enum(["openai", "ollama"]).describe("which API to speak"),
  model: z
    .string({ error: "a model name is required; pass --model NAME" })
    .min(1, "a model name is required; pass --model NAME")
    .describe("model name"),
  baseUrl: z.string().optional().describe("server URL; OpenAI-compatible ones end in /v1"),
  apiKeyEnv: z
    .string()
    .default("OPENAI_API_KEY")
    .describe("environment variable holding the API key (never passed on the command line)"),
  concurrency: z.coerce.number().int().positive().default(8).describe("requests in flight"),
  rate: z.coerce.number().positive().optional().describe("requests per second to the server"),
  timeout: z.coerce.number().positive().default(120).describe("seconds one request may take"),
  retries: z.coerce.number().int().nonnegative().default(5).describe("retries of a failed call"),
  structured: z.enum(["auto", "on", "off"]).default("auto").describe("JSON-schema output"),
  templates: z.string().optional().describe("folder of prompt templates overriding the defaults"),
  maxAttempts: z.coerce.number().int().positive().default(3).describe("answers asked per span"),
  temperature: z.coerce.number().min(0).default(0).describe("sampling temperature of rewrites"),
  maxTokens: z.coerce.number().int().positive().optional().describe("answer length limit"),
  cache: z.string().optional().describe("SQLite file caching answers by request"),
});

/** Parsed backend settings. */
export type BackendConfig = z.infer<typeof BackendConfigSchema>;

/** Parses backend options, with an error naming the option and the fix. */
export function parseBackendConfig(options: Record<string, unknown>): BackendConfig {
  const parsed = BackendConfigSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `--${kebab(String(i.path[0]))}: ${i.message}`);
  throw new Error(`backend options: ${problems.join("; ")}`);
}

/** A backend plus the cache it writes to (close it when done). */
export interface Backend {
  completer: Completer;
  cache?: ResponseCache;
  usage: UsageMeter;
}

/** Opens the backend described by `config`. */
export function openBackend(config: BackendConfig, logger: Logger = silentLogger): Backend {
  const common = {
    baseURL: config.baseUrl,
    model: config.model,
    concurrency: config.concurrency,
    rate: config.rate,
    timeoutMs: config.timeout * 1000,
    structured: config.structured,
    retry: { maxRetries: config.retries, logger },
    logger,
  };
  let completer: Completer =
    config.backend === "openai"
      ? new OpenAICompleter({ ...common, apiKey: process.env[config.apiKeyEnv] })
      : new OllamaCompleter(common);
  const cache = config.cache ? new ResponseCache(config.cache) : undefined;
  if (cache) completer = cachedCompleter(completer, cache);
  return { completer, cache, usage: new UsageMeter() };
}

/** An LLM reviser on the backend described by `options` (the reviser registry's entry point). */
export function createBackendReviser(
  options: Record<string, unknown>,
): LlmReviser & { backend: Backend } {
  const config = parseBackendConfig(options);
  const logger = (options.logger as Logger | undefined) ?? silentLogger;
  const backend = openBackend(config, logger);
  const reviser = createLlmReviser({
    completer: backend.completer,
    templates: loadTemplates(config.templates),
    maxAttempts: config.maxAttempts,
    temperature: config.temperature,
    maxTokens: config.maxTokens,
    usage: backend.usage,
    logger,
  });
  return Object.assign(reviser, { backend });
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
