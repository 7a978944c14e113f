// Hands preference pairs to an OpenAI-compatible fine-tuning API: converts them to its DPO format
// ({input.messages, preferred_output, non_preferred_output}), uploads the file, creates a DPO
// job, follows it, and reports its events and the resulting model. DPO: Rafailov et al. 2023.
import type OpenAI from "openai";
import { toFile } from "openai";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import { readLines } from "../feedback/jsonl.js";
import { sleep } from "../revisers/limits.js";
import { toMessages } from "../sample/sample.js";

/** One line of OpenAI's DPO training file. */
export interface OpenAIDpoExample {
  input: { messages: Array<{ role: string; content: string }> };
  preferred_output: Array<{ role: "assistant"; content: string }>;
  non_preferred_output: Array<{ role: "assistant"; content: string }>;
}

/**
 * Converts one preference line to OpenAI's DPO format. Accepts Redline pairs and TRL rows
 * (`prompt`, `chosen`, `rejected` as text or as messages) and lines already in DPO format.
 */
export function toOpenAIDpo(row: Record<string, unknown>, where: string): OpenAIDpoExample {
  if (row.input && row.preferred_output && row.non_preferred_output) {
    return row as unknown as OpenAIDpoExample;
  }
  const { prompt, chosen, rejected } = row as {
    prompt?: unknown;
    chosen?: unknown;
    rejected?: unknown;
  };
  const answer = (value: unknown, field: string) => {
    if (typeof value === "string") return [{ role: "assistant" as const, content: value }];
    const last = Array.isArray(value) ? value.at(-1) : undefined;
    if (last && typeof last.content === "string") {
      return [{ role: "assistant" as const, content: last.content as string }];
    }
    throw new Error(`${where}: "${field}" must be text or a list of messages`);
  };
  if (typeof prompt !== "string" && !Array.isArray(prompt)) {
    throw new Error(
      `${where}: expected a preference pair with "prompt", "chosen" and "rejected" ` +
        "(from `redline pairs` or `redline export --format trl`)",
    );
  }
  return {
    input: { messages: toMessages(prompt as Parameters<typeof toMessages>[0]) },
    preferred_output: answer(chosen, "chosen"),
    non_preferred_output: answer(rejected, "rejected"),
  };
}

/** Reads a pairs JSONL file and returns it in OpenAI's DPO format, one example per line. */
export async function convertPairsFile(path: string): Promise<{ text: string; count: number }> {
  const out: string[] = [];
  for await (const { line, text } of readLines(path)) {
    if (!text.trim()) continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(text);
    } catch (err) {
      throw new Error(`convertPairsFile: ${path}:${line} is not JSON: ${(err as Error).message}`);
    }
    out.push(JSON.stringify(toOpenAIDpo(row, `${path}:${line}`)));
  }
  if (out.length === 0) {
    throw new Error(`convertPairsFile: ${path} holds no pairs; make some with \`redline pairs\``);
  }
  return { text: `${out.join("\n")}\n`, count: out.length };
}

/** Options of {@link runOpenAIDpoJob}. */
export interface OpenAIDpoJobOptions {
  client: OpenAI;
  /** preference pairs (JSONL) */
  file: string;
  validationFile?: string;
  /** base model to tune */
  model: string;
  suffix?: string;
  beta?: number;
  epochs?: number;
  batchSize?: number;
  learningRateMultiplier?: number;
  seed?: number;
  /** follow the job to its end (otherwise return once it is created) */
  follow?: boolean;
  pollIntervalMs?: number;
  logger?: Logger;
  signal?: AbortSignal;
}

/** The outcome of a fine-tuning job. */
export interface OpenAIDpoJobReport {
  job_id: string;
  status: string;
  training_file: string;
  examples: number;
  fine_tuned_model: string | null;
  events: Array<{ level: string; message: string; created_at: number }>;
  error?: string;
}

const terminal = ["succeeded", "failed", "cancelled"];

/** Uploads the pairs, creates the DPO job and, with `follow`, reports it until it ends. */
export async function runOpenAIDpoJob(options: OpenAIDpoJobOptions): Promise<OpenAIDpoJobReport> {
  const { client } = options;
  const logger = options.logger ?? silentLogger;

  // convert and upload
  const upload = async (path: string) => {
    const { text, count } = await convertPairsFile(path);
    const name = path.split("/").at(-1) ?? "pairs.jsonl";
    const file = await client.files.create({
      file: await toFile(Buffer.from(text), name.replace(/\.jsonl$/, ".openai-dpo.jsonl")),
      purpose: "fine-tune",
    });
    logger.info(`finetune: uploaded ${count} examples from ${path} as ${file.id}`);
    return { id: file.id, count };
  };
  const training = await upload(options.file);
  const validation = options.validationFile ? await upload(options.validationFile) : undefined;

  // create the job
  const hyperparameters = {
    ...(options.beta !== undefined && { beta: options.beta }),
    ...(options.epochs !== undefined && { n_epochs: options.epochs }),
    ...(options.batchSize !== undefined && { batch_size: options.batchSize }),
    ...(options.learningRateMultiplier !== undefined && {
      learning_rate_multiplier: options.learningRateMultiplier,
    }),
  };
  let job = await client.fineTuning.jobs.create({
    model: options.model,
    training_file: training.id,
    ...(validation && { validation_file: validation.id }),
    ...(options.suffix && { suffix: options.suffix }),
    ...(options.seed !== undefined && { seed: options.seed }),
    method: { type: "dpo", dpo: { hyperparameters } },
  });
  logger.info(`finetune: created job ${job.id} (${job.status}) on ${options.model}`);

  // follow it, printing each event once, oldest first
  const events: OpenAIDpoJobReport["events"] = [];
  const seen = new Set<string>();
  const readEvents = async () => {
    const page = await client.fineTuning.jobs.listEvents(job.id, { limit: 100 });
    for (const e of [...page.data].reverse()) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      events.push({ level: e.level, message: e.message, created_at: e.created_at });
      const line = `finetune: [${e.level}] ${e.message}`;
      if (e.level === "error") logger.error(line);
      else if (e.level === "warn") logger.warn(line);
      else logger.info(line);
    }
  };
  await readEvents();
  while (options.follow !== false && !terminal.includes(job.status)) {
    await sleep(options.pollIntervalMs ?? 10_000, options.signal);
    job = await client.fineTuning.jobs.retrieve(job.id);
    await readEvents();
  }

  const report: OpenAIDpoJobReport = {
    job_id: job.id,
    status: job.status,
    training_file: training.id,
    examples: training.count,
    fine_tuned_model: job.fine_tuned_model ?? null,
    events,
    ...(job.error?.message && { error: job.error.message }),
  };
  if (job.status === "succeeded") {
    logger.info(`finetune: job ${job.id} succeeded; model: ${job.fine_tuned_model}`);
  } else if (terminal.includes(job.status)) {
    logger.error(
      `finetune: job ${job.id} ${job.status}: ${job.error?.message ?? "no reason given"}`,
    );
  }
  return report;
}
