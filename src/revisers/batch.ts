// The OpenAI Batch API path for large chain jobs. A chain rewrites its spans in order, so the
// job runs in rounds: replay every record against the answers collected so far, gather the
// requests still unanswered into one batch file, submit it, poll it, collect its answers into
// the response cache, and repeat. The state file names the batch in flight, so a rerun resumes
// polling it instead of submitting again.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type OpenAI from "openai";
import { toFile } from "openai";
import { buildChain } from "../chains/build.js";
import type { Chain, Reviser } from "../chains/types.js";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import type { FeedbackRecord } from "../feedback/schema.js";
import type { ResponseCache } from "./cache.js";
import type { Completer, Completion, CompletionRequest } from "./completion.js";
import { completionKey, UsageMeter } from "./completion.js";
import { sleep } from "./limits.js";
import { createLlmReviser, type LlmReviserOptions } from "./llm.js";
import { buildChatBody, readCompletion, toServerCallError } from "./openai.js";
import { ServerCallError } from "./retry.js";

/** Options of {@link runBatchChains}. */
export interface BatchChainsOptions {
  /** reads the records afresh; called once per round */
  records: () => AsyncIterable<FeedbackRecord> | Iterable<FeedbackRecord>;
  client: OpenAI;
  model: string;
  /** where collected answers live; shared with the online path */
  cache: ResponseCache;
  /** JSON file naming the batch in flight */
  state: string;
  /** JSONL file of chains, written when every record is done */
  out: string;
  /** reviser settings besides the completer */
  reviser?: Omit<LlmReviserOptions, "completer" | "usage">;
  /** send requests without the JSON schema */
  structured?: boolean;
  pollIntervalMs?: number;
  /** rounds a request may fail in before its span is recorded as failed */
  maxFailures?: number;
  /** stop after submitting a batch instead of polling it (rerun to collect) */
  submitOnly?: boolean;
  /** requests per batch file; a larger round is split (the API takes at most 50,000) */
  maxBatchRequests?: number;
  logger?: Logger;
  signal?: AbortSignal;
}

/** The state file: the batches in flight and the requests that failed inside batches. */
interface BatchState {
  round: number;
  /** ids of submitted batches not yet collected */
  in_flight: string[];
  failures: Record<string, { count: number; reason: string }>;
}

/** What a batch run did. */
export interface BatchChainsReport {
  rounds: number;
  batches: string[];
  chains: number;
  complete: number;
  stopped: number;
  /** true when stopped after submitting (submitOnly) with work still pending */
  pending: boolean;
}

class PendingAnswer extends Error {
  override name = "PendingAnswer";
}

/** Builds chains through the Batch API, round by round, resuming from `state`. */
export async function runBatchChains(options: BatchChainsOptions): Promise<BatchChainsReport> {
  const logger = options.logger ?? silentLogger;
  const maxFailures = options.maxFailures ?? 3;
  const state = readState(options.state);
  const report: BatchChainsReport = {
    rounds: 0,
    batches: [],
    chains: 0,
    complete: 0,
    stopped: 0,
    pending: false,
  };

  for (;;) {
    // batches in flight: wait for each and collect its answers
    while (state.in_flight.length > 0) {
      await collectBatch(options, state.in_flight[0], state, logger);
      state.in_flight.shift();
      writeState(options.state, state);
    }

    // replay every record on what is known; note what is still to ask
    const pending = new Map<string, CompletionRequest>();
    const completer = batchCompleter(options, state, pending, maxFailures);
    const reviser = createLlmReviser({
      ...options.reviser,
      completer,
      usage: new UsageMeter(),
    });
    const chains: Chain[] = [];
    for await (const record of options.records()) {
      const chain = await replay(record, reviser);
      if (chain) chains.push(chain);
    }
    report.rounds++;

    if (pending.size === 0) {
      writeFileSync(options.out, chains.map((c) => `${JSON.stringify(c)}\n`).join(""));
      report.chains = chains.length;
      report.complete = chains.filter((c) => c.status === "complete").length;
      report.stopped = report.chains - report.complete;
      logger.info(`batch: all ${chains.length} chains done after ${report.rounds} rounds`);
      return report;
    }

    // submit the next round, in batches of at most maxBatchRequests requests
    state.round++;
    const lines = [...pending].map(([key, request]) =>
      JSON.stringify({
        custom_id: key,
        method: "POST",
        url: "/v1/chat/completions",
        body: buildChatBody(options.model, request, options.structured !== false),
      }),
    );
    const size = options.maxBatchRequests ?? 50_000;
    for (let part = 0; part * size < lines.length; part++) {
      const chunk = lines.slice(part * size, (part + 1) * size);
      const file = await options.client.files.create({
        file: await toFile(
          Buffer.from(`${chunk.join("\n")}\n`),
          `redline-round-${state.round}-${part + 1}.jsonl`,
        ),
        purpose: "batch",
      });
      const batch = await options.client.batches.create({
        input_file_id: file.id,
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
        metadata: { source: "redline chains", round: String(state.round) },
      });
      state.in_flight.push(batch.id);
      writeState(options.state, state);
      report.batches.push(batch.id);
      logger.info(
        `batch: round ${state.round}: submitted ${batch.id} with ${chunk.length} requests`,
      );
    }
    if (options.submitOnly) {
      report.pending = true;
      return report;
    }
  }
}

// a record's chain, or undefined when some answer it needs is not collected yet
async function replay(record: FeedbackRecord, reviser: Reviser): Promise<Chain | undefined> {
  let waiting = false;
  const guarded: Reviser = {
    name: reviser.name,
    async revise(request) {
      try {
        return await reviser.revise(request);
      } catch (err) {
        if (err instanceof PendingAnswer) waiting = true;
        throw err;
      }
    },
  };
  const chain = await buildChain(record, guarded);
  return waiting ? undefined : chain;
}

function batchCompleter(
  options: BatchChainsOptions,
  state: BatchState,
  pending: Map<string, CompletionRequest>,
  maxFailures: number,
): Completer {
  const completer: Completer = {
    kind: "openai",
    server: options.client.baseURL,
    model: options.model,
    async complete(request: CompletionRequest): Promise<Completion> {
      const key = completionKey(completer, request);
      const hit = options.cache.get(key);
      if (hit) return { ...hit, cached: true };
      const failed = state.failures[key];
      if (failed && failed.count >= maxFailures) {
        throw new ServerCallError(
          `batch: request failed in ${failed.count} batches: ${failed.reason}`,
          400,
          false,
        );
      }
      pending.set(key, request);
      throw new PendingAnswer(key);
    },
  };
  return completer;
}

async function collectBatch(
  options: BatchChainsOptions,
  id: string,
  state: BatchState,
  logger: Logger,
): Promise<void> {
  const interval = options.pollIntervalMs ?? 30_000;
  let batch: OpenAI.Batches.Batch;
  for (;;) {
    try {
      batch = await options.client.batches.retrieve(id);
    } catch (err) {
      const e = toServerCallError(err, `batch ${id}`);
      if (e instanceof ServerCallError && e.retryable) {
        logger.warn(`${e.message}; polling again`);
        await sleep(interval, options.signal);
        continue;
      }
      throw e;
    }
    const counts = batch.request_counts;
    logger.info(
      `batch ${id}: ${batch.status}` +
        (counts ? ` (${counts.completed}/${counts.total} done, ${counts.failed} failed)` : ""),
    );
    if (["completed", "failed", "expired", "cancelled"].includes(batch.status)) break;
    await sleep(interval, options.signal);
  }

  if (batch.status === "failed") {
    const why = batch.errors?.data?.map((e) => e.message).join("; ") ?? "no reason given";
    throw new Error(
      `runBatchChains: batch ${id} failed: ${why}; fix the cause, delete ${options.state} ` +
        "and run again",
    );
  }

  // completed, expired or cancelled: take what came back; the rest goes into the next round
  for (const fileId of [batch.output_file_id, batch.error_file_id]) {
    if (!fileId) continue;
    const text = await (await options.client.files.content(fileId)).text();
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const item = JSON.parse(line) as {
        custom_id: string;
        response?: { status_code: number; body: unknown };
        error?: { message?: string } | null;
      };
      const ok = item.response?.status_code === 200;
      try {
        if (!ok) throw new Error(item.error?.message ?? `HTTP ${item.response?.status_code}`);
        options.cache.put(item.custom_id, readCompletion(item.response?.body, true));
      } catch (err) {
        const entry = state.failures[item.custom_id] ?? { count: 0, reason: "" };
        entry.count++;
        entry.reason = (err as Error).message;
        state.failures[item.custom_id] = entry;
      }
    }
  }
}

function readState(path: string): BatchState {
  if (!existsSync(path)) return { round: 0, in_flight: [], failures: {} };
  try {
    return JSON.parse(readFileSync(path, "utf8")) as BatchState;
  } catch (err) {
    throw new Error(
      `runBatchChains: state file ${path} is not JSON (${(err as Error).message}); ` +
        "delete it to start the batch job afresh",
    );
  }
}

function writeState(path: string, state: BatchState): void {
  // write then rename, so a crash never leaves half a state file
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
