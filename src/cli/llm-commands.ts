// The model-backed commands: `redline sample` (draw answers to annotate), `redline finetune`
// (hand pairs to an OpenAI-compatible DPO fine-tuning API), and the options that `redline chains`
// gains for the LLM revisers (`--reviser openai|ollama`): backend, journal, cache and batch.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Command, Option } from "commander";
import type { Logger } from "../common/logger.js";
import { createLogger } from "../common/logger.js";
import { createProgress } from "../common/progress.js";
import { readLines } from "../feedback/jsonl.js";
import { readFeedback } from "../feedback/validate.js";
import { runOpenAIDpoJob } from "../finetune/index.js";
import {
  type Backend,
  type BackendConfig,
  createBackendReviser,
  openBackend,
  parseBackendConfig,
} from "../revisers/backend.js";
import { runBatchChains } from "../revisers/batch.js";
import { cachedCompleter, ResponseCache } from "../revisers/cache.js";
import { type Completer, UsageMeter } from "../revisers/completion.js";
import { createOpenAIClient } from "../revisers/openai.js";
import { loadTemplates } from "../revisers/prompt.js";
import { RunInterruptedError, runChains } from "../revisers/run-chains.js";
import { readPrompts, samplePrompts } from "../sample/index.js";
import { LocalModelCompleter } from "../sample/local-model.js";
import { DataError, UsageError } from "./exit.js";

/** Names of the revisers that need a model backend. */
export const llmReviserNames = ["openai", "ollama"] as const;

/** Registers `sample` and `finetune`, and adds the LLM options to `chains` if it is there. */
export function registerLlmCommands(program: Command): void {
  registerSample(program);
  registerFinetune(program);
  const chains = program.commands.find((c) => c.name() === "chains");
  if (chains) addLlmChainsOptions(chains);
}

/** The backend flags shared by `chains` (with an LLM reviser) and `sample`. */
function addBackendOptions(command: Command, forChains: boolean): Command {
  const skip = (flag: string) => command.options.some((o) => o.long === flag);
  const add = (option: Option) => {
    if (!skip(option.long ?? "")) command.addOption(option);
  };
  add(new Option("--base-url <url>", "server URL (OpenAI-compatible: ending in /v1)"));
  add(new Option("--model <name>", "model name on that server"));
  add(
    new Option("--api-key-env <var>", "environment variable holding the API key").default(
      "OPENAI_API_KEY",
    ),
  );
  add(new Option("--rate <n>", "requests per second to the server (default: unlimited)"));
  add(
    new Option("--timeout <s>", "seconds one request may take before it is retried").default("120"),
  );
  add(
    new Option("--retries <n>", "retries of a call failing with 429, 5xx or a timeout").default(
      "5",
    ),
  );
  add(
    new Option("--structured <mode>", "JSON-schema output: auto falls back when refused")
      .choices(["auto", "on", "off"])
      .default("auto"),
  );
  add(new Option("--max-tokens <n>", "answer length limit"));
  add(new Option("--cache <file>", "SQLite file caching answers by request"));
  if (forChains) {
    add(new Option("--templates <dir>", "folder of prompt templates overriding the defaults"));
    add(new Option("--max-attempts <n>", "answers asked per span before it fails").default("3"));
    add(new Option("--temperature <t>", "sampling temperature of rewrites").default("0"));
  }
  return command;
}

/** Adds the LLM-reviser options to the `chains` command. */
export function addLlmChainsOptions(chains: Command): void {
  addBackendOptions(chains, true);
  chains
    .addOption(new Option("--journal <file>", "journal for resuming (default: <output>.journal)"))
    .addOption(new Option("--no-journal", "do not journal; a rerun starts over"))
    .addOption(new Option("--restart", "delete the output, journal and batch state first"))
    .addOption(new Option("--batch", "use the OpenAI Batch API (rounds of batch jobs)"))
    .addOption(new Option("--poll-interval <s>", "seconds between batch polls").default("30"))
    .addOption(new Option("--submit-only", "batch: submit the next round and exit"));
}

/** Options of `redline chains` as commander hands them over. */
export type LlmChainsOptions = Record<string, unknown> & {
  output: string;
  reviser: string;
  concurrency?: string;
  strict?: boolean;
  quiet?: boolean;
};

/** Whether `redline chains` should go through {@link runLlmChains}. */
export function isLlmReviser(name: string): boolean {
  return (llmReviserNames as readonly string[]).includes(name);
}

/**
 * `redline chains` with an LLM reviser: concurrent records, a journal to resume from, a response
 * cache, a progress line with ETA and tokens, or the Batch API path.
 */
export async function runLlmChains(
  input: string,
  options: LlmChainsOptions,
  command?: Command,
): Promise<void> {
  const logger = createLogger(options.quiet ? "error" : "info");
  // one record at a time is the default for the suggestion reviser; models want more
  const concurrencySet = command?.getOptionValueSource("concurrency") === "cli";
  const concurrency = concurrencySet ? Number(options.concurrency) : 8;
  const config = backendConfig(options.reviser, { ...options, concurrency });
  loadTemplatesOrFail(config.templates);
  const out = options.output;
  const journalPath =
    options.journal === false ? undefined : String(options.journal ?? `${out}.journal`);
  const statePath = `${out}.batch.json`;
  if (options.restart)
    for (const p of [out, journalPath, statePath]) if (p) rmSync(p, { force: true });
  const read = () => readFeedback(input, { strict: options.strict, logger, file: input });

  // the Batch API path
  if (options.batch) {
    if (config.backend !== "openai") {
      throw new UsageError("--batch needs --reviser openai (the OpenAI Batch API)");
    }
    if (out === "-") throw new UsageError("--batch needs an --output file");
    const cache = new ResponseCache(config.cache ?? `${out}.cache.sqlite`);
    try {
      const report = await runBatchChains({
        records: read,
        client: createOpenAIClient({
          baseURL: config.baseUrl,
          apiKey: process.env[config.apiKeyEnv],
        }),
        model: config.model,
        cache,
        state: statePath,
        out,
        structured: config.structured !== "off",
        reviser: {
          templates: loadTemplates(config.templates),
          maxAttempts: config.maxAttempts,
          temperature: config.temperature,
          maxTokens: config.maxTokens,
        },
        pollIntervalMs: Number(options.pollInterval ?? 30) * 1000,
        submitOnly: Boolean(options.submitOnly),
        logger,
      });
      logger.info(
        report.pending
          ? `batch ${report.batches.at(-1)} submitted; run the same command again to collect it`
          : `${report.chains} chains (${report.complete} complete, ${report.stopped} stopped) ` +
              `in ${report.rounds} rounds`,
      );
    } finally {
      cache.close();
    }
    return;
  }

  // the online path
  if (out === "-" && journalPath) {
    throw new UsageError(
      "an LLM run writing to stdout cannot be resumed; pass --no-journal or -o FILE",
    );
  }
  const reviser = createBackendReviser({ ...options, ...config, logger });
  const total = await countDislikedSpans(input);
  const progress = options.quiet ? undefined : createProgress({ label: "spans", total });
  const controller = new AbortController();
  const onSignal = () => {
    logger.warn("interrupted; stopping (finished rewrites are in the journal)");
    controller.abort(new Error("interrupted"));
    process.once("SIGINT", () => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const report = await runChains({
      records: read(),
      reviser,
      reviserId: reviser.fingerprint,
      out,
      journal: journalPath,
      concurrency,
      progress,
      usage: reviser.usage,
      logger,
      signal: controller.signal,
    });
    progress?.done(reviser.usage.describe());
    logger.info(
      `${report.written} chains written (${report.complete} complete, ${report.stopped} stopped), ` +
        `${report.skipped} already done; ${report.fresh} rewrites asked, ${report.replayed} ` +
        `replayed from the journal; ${reviser.usage.describe()}`,
    );
  } catch (err) {
    progress?.done(reviser.usage.describe());
    if (err instanceof RunInterruptedError && controller.signal.aborted) {
      logger.error(err.message);
      process.exitCode = 130;
      return;
    }
    throw err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    reviser.backend.cache?.close();
  }
}

function registerSample(program: Command): void {
  const command = program
    .command("sample")
    .description(
      "draw N answers per prompt from a model, as feedback records to annotate (items)\n" +
        "or as one line of candidates per prompt for A/B pairs (candidates)",
    )
    .argument("<prompts>", "JSONL of {id, prompt} (feedback records work) or .txt, one per line")
    .requiredOption("-o, --output <file>", "JSONL to write")
    .addOption(
      new Option("--backend <name>", "openai, ollama, or redline (--model is then a model folder)")
        .choices(["openai", "ollama", "redline"])
        .default("openai"),
    )
    .option("-n, --n <count>", "answers per prompt", "4")
    .addOption(
      new Option("--format <name>", "output shape")
        .choices(["items", "candidates"])
        .default("items"),
    )
    .option("--temperature <t>", "sampling temperature", "1")
    .option("--seed <n>", "sample k uses seed + k", "0")
    .option("--concurrency <n>", "requests in flight", "8")
    .option("--quiet", "print only errors");
  addBackendOptions(command, false);
  command.action(async (prompts: string, options: Record<string, unknown>) => {
    if (!existsSync(prompts)) throw new UsageError(`prompt file ${prompts} does not exist`);
    const logger = createLogger(options.quiet ? "error" : "info");
    const local = options.backend === "redline";
    const config = backendConfig(local ? "openai" : String(options.backend), options);
    const backend = local ? await openLocalBackend(config) : openBackend(config, logger);
    const n = positiveInt(options.n, "--n");
    const progress = options.quiet ? undefined : createProgress({ label: "answers" });
    try {
      const report = await samplePrompts({
        prompts: readPrompts(prompts),
        completer: backend.completer,
        n,
        out: String(options.output),
        format: options.format as "items" | "candidates",
        temperature: Number(options.temperature),
        seed: Number(options.seed),
        maxTokens: config.maxTokens,
        concurrency: config.concurrency,
        usage: backend.usage,
        progress,
        logger,
      });
      progress?.done(backend.usage.describe());
      logger.info(
        `${report.answers} answers to ${report.prompts} prompts; ${backend.usage.describe()}`,
      );
    } catch (err) {
      if (err instanceof Error && err.message.startsWith("readPrompts:"))
        throw new DataError(err.message);
      throw err;
    } finally {
      backend.cache?.close();
    }
  });
}

function registerFinetune(program: Command): void {
  program
    .command("finetune")
    .description(
      "upload preference pairs to an OpenAI-compatible fine-tuning API, create a DPO job,\n" +
        "follow it and report its events and the resulting model name",
    )
    .argument("<pairs>", "pairs JSONL (from `redline pairs`, or `redline export --format trl`)")
    .addOption(
      new Option("--provider <name>", "fine-tuning API").choices(["openai"]).default("openai"),
    )
    .requiredOption("--model <name>", "base model to tune")
    .option("--base-url <url>", "API URL (default: OPENAI_BASE_URL or OpenAI)")
    .option("--api-key-env <var>", "environment variable holding the API key", "OPENAI_API_KEY")
    .option("--validation-file <file>", "held-out pairs JSONL")
    .option("--suffix <text>", "added to the fine-tuned model's name")
    .option("--beta <b>", "DPO beta (default: the provider's auto)")
    .option("--epochs <n>", "training epochs")
    .option("--batch-size <n>", "examples per batch")
    .option("--lr-multiplier <x>", "learning-rate multiplier")
    .option("--seed <n>", "job seed")
    .option("--no-follow", "return once the job is created")
    .option("--poll-interval <s>", "seconds between status polls", "10")
    .option("--json", "print the final report as JSON on stdout")
    .option("--quiet", "print only errors")
    .action(async (pairs: string, options: Record<string, unknown>) => {
      if (!existsSync(pairs)) throw new UsageError(`pairs file ${pairs} does not exist`);
      const logger: Logger = createLogger(options.quiet ? "error" : "info");
      const num = (v: unknown) => (v === undefined ? undefined : Number(v));
      let report: Awaited<ReturnType<typeof runOpenAIDpoJob>>;
      try {
        report = await runOpenAIDpoJob({
          client: createOpenAIClient({
            baseURL: options.baseUrl as string | undefined,
            apiKey: process.env[String(options.apiKeyEnv)],
          }),
          file: pairs,
          validationFile: options.validationFile as string | undefined,
          model: String(options.model),
          suffix: options.suffix as string | undefined,
          beta: num(options.beta),
          epochs: num(options.epochs),
          batchSize: num(options.batchSize),
          learningRateMultiplier: num(options.lrMultiplier),
          seed: num(options.seed),
          follow: options.follow !== false,
          pollIntervalMs: Number(options.pollInterval) * 1000,
          logger,
        });
      } catch (err) {
        if (err instanceof Error && err.message.startsWith("convertPairsFile:")) {
          throw new DataError(err.message);
        }
        throw err;
      }
      if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else if (report.fine_tuned_model) process.stdout.write(`${report.fine_tuned_model}\n`);
      if (["failed", "cancelled"].includes(report.status)) process.exitCode = 1;
    });
}

// a model of Redline's own trainer, as a sampling backend
async function openLocalBackend(config: BackendConfig): Promise<Backend> {
  if (!existsSync(join(config.model, "config.json"))) {
    throw new UsageError(
      `--backend redline: ${config.model} is not a model folder (no config.json); pass a ` +
        "folder with config.json, model.safetensors and tokenizer.json, as `redline train` saves",
    );
  }
  let completer: Completer = await LocalModelCompleter.open(config.model, {
    maxTokens: config.maxTokens,
  });
  const cache = config.cache ? new ResponseCache(config.cache) : undefined;
  if (cache) completer = cachedCompleter(completer, cache);
  return { completer, cache, usage: new UsageMeter() };
}

function backendConfig(backend: string, options: Record<string, unknown>): BackendConfig {
  try {
    return parseBackendConfig({ ...options, backend });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function loadTemplatesOrFail(dir: string | undefined): void {
  try {
    loadTemplates(dir);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function positiveInt(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a whole number >= 1, got ${value}`);
  return n;
}

async function countDislikedSpans(path: string): Promise<number | undefined> {
  let n = 0;
  for await (const { text } of readLines(path)) {
    try {
      const spans = (JSON.parse(text) as { spans?: Array<{ label?: string }> }).spans ?? [];
      n += spans.filter((s) => s.label === "disliked").length;
    } catch {
      // invalid lines are reported by the reader proper
    }
  }
  return n;
}
