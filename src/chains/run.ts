// Streams a feedback file into a chains file: validate each record, build its chain, write it.
// Records are revised `concurrency` at a time (for model revisers) and written in input order.
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import { createProgress } from "../common/progress.js";
import { createJsonlWriter } from "../feedback/jsonl.js";
import type { Problem } from "../feedback/problems.js";
import type { FeedbackRecord } from "../feedback/schema.js";
import { emptyReport, type FeedbackReport, readFeedback } from "../feedback/validate.js";
import { buildChain } from "./build.js";
import type { Chain, Reviser } from "./types.js";

/** Options of {@link writeChains}. */
export interface WriteChainsOptions {
  /** feedback JSONL to read */
  input: string;
  /** chains JSONL to write; `-` for stdout */
  output: string;
  reviser: Reviser;
  /** stop at the first invalid record instead of skipping it */
  strict?: boolean;
  /** records revised at the same time (default 1) */
  concurrency?: number;
  logger?: Logger;
  /** show a progress display on stderr */
  progress?: boolean;
  onProblem?: (problem: Problem) => void;
  signal?: AbortSignal;
}

/** What a chains run did. */
export interface ChainsSummary {
  input: FeedbackReport;
  chains: number;
  complete: number;
  stopped: number;
  /** edits made, over all chains */
  edits: number;
  /** rewrites refused (reviser failure or locality check) */
  rejected: number;
}

/** Builds a chain for every valid record of `input` and writes them, one per line, to `output`. */
export async function writeChains(options: WriteChainsOptions): Promise<ChainsSummary> {
  const logger = options.logger ?? silentLogger;
  const input = emptyReport();
  const summary: ChainsSummary = {
    input,
    chains: 0,
    complete: 0,
    stopped: 0,
    edits: 0,
    rejected: 0,
  };
  const records = readFeedback(options.input, {
    strict: options.strict,
    logger,
    file: options.input,
    report: input,
    onProblem: options.onProblem,
  });
  const writer = createJsonlWriter(options.output);
  const progress = options.progress ? createProgress({ label: "chains" }) : undefined;
  try {
    const build = (r: FeedbackRecord) => buildChain(r, options.reviser, { signal: options.signal });
    for await (const chain of mapOrdered(records, options.concurrency ?? 1, build)) {
      await writer.write(chain);
      count(summary, chain);
      progress?.tick();
    }
  } finally {
    await writer.close();
  }
  progress?.done();
  return summary;
}

function count(summary: ChainsSummary, chain: Chain): void {
  summary.chains++;
  if (chain.status === "complete") summary.complete++;
  else summary.stopped++;
  summary.edits += chain.steps.length - 1;
  summary.rejected += chain.rejected.length;
}

/**
 * Applies async `fn` to the items of `source`, at most `concurrency` at a time, and yields
 * the results in input order. Memory stays bounded by `concurrency` pending items.
 */
export async function* mapOrdered<T, R>(
  source: AsyncIterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new Error(`mapOrdered: concurrency must be a whole number >= 1, got ${concurrency}`);
  }
  const iterator = source[Symbol.asyncIterator]();
  const pending: Promise<R>[] = [];
  let exhausted = false;
  // a source failure (a bad record under --strict) waits until the items read before it are
  // yielded, so the output does not depend on how far ahead the source was read
  let sourceError: { error: unknown } | undefined;
  const fill = async () => {
    while (!exhausted && pending.length < concurrency) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        sourceError = { error };
        exhausted = true;
        break;
      }
      if (next.done) exhausted = true;
      else {
        const p = fn(next.value);
        // keep an early rejection from being reported as unhandled while it waits its turn
        p.catch(() => {});
        pending.push(p);
      }
    }
  };
  try {
    await fill();
    while (pending.length > 0) {
      const result = await pending.shift()!;
      yield result;
      await fill();
    }
    if (sourceError) throw sourceError.error;
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}
