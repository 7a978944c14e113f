// The at-scale chain runner: builds the chains of many records at once (bounded concurrency
// across records, each record's spans still rewritten one at a time, left to right), journals
// every finished rewrite, writes chains in input order, and resumes an interrupted run.
import { setMaxListeners } from "node:events";
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { buildChain } from "../chains/build.js";
import type { Chain, Reviser } from "../chains/types.js";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import type { Progress } from "../common/progress.js";
import type { FeedbackRecord } from "../feedback/schema.js";
import type { UsageMeter } from "./completion.js";
import { Journal, journaledReviser } from "./journal.js";

/** Options of {@link runChains}. */
export interface RunChainsOptions {
  records: AsyncIterable<FeedbackRecord> | Iterable<FeedbackRecord>;
  reviser: Reviser;
  /** JSONL file of chains, written in input order */
  out: string;
  /**
   * Journal file. With a journal the run is resumable: chains already in `out` are kept and
   * their records skipped, and finished rewrites are replayed. Without one `out` is rewritten.
   */
  journal?: string;
  /** identity of the reviser's answers for journal keys; defaults to its name */
  reviserId?: string;
  /** records whose chains are built at the same time */
  concurrency?: number;
  progress?: Progress;
  /** request and token counts shown on progress lines */
  usage?: UsageMeter;
  logger?: Logger;
  signal?: AbortSignal;
}

/** What a run did. */
export interface RunChainsReport {
  records: number;
  /** chains written by this run */
  written: number;
  /** records skipped because their chain was already in `out` */
  skipped: number;
  complete: number;
  stopped: number;
  /** rewrites answered from the journal */
  replayed: number;
  /** rewrites asked of the reviser */
  fresh: number;
}

/** The run stopped early (interrupted or a server failure); the journal keeps its progress. */
export class RunInterruptedError extends Error {
  override name = "RunInterruptedError";
}

/**
 * Builds a chain for each record with the chain builder, `concurrency` records at a time. A
 * reviser that throws (a server still failing after retries, or an abort) stops the run instead
 * of stopping one chain, so nothing half-done reaches `out`; run again with the same journal to
 * resume.
 */
export async function runChains(options: RunChainsOptions): Promise<RunChainsReport> {
  const logger = options.logger ?? silentLogger;
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`runChains: concurrency must be a positive integer, got ${concurrency}`);
  }
  const report: RunChainsReport = {
    records: 0,
    written: 0,
    skipped: 0,
    complete: 0,
    stopped: 0,
    replayed: 0,
    fresh: 0,
  };

  // open the journal and the output; with a journal, keep the chains already written
  const journal = options.journal ? new Journal(options.journal) : undefined;
  const done = journal ? readWrittenIds(options.out) : new Set<string>();
  if (journal && (journal.stats.restored > 0 || done.size > 0)) {
    logger.info(
      `resuming: ${done.size} chains already in ${options.out}, ${journal.stats.restored} ` +
        `rewrites in ${options.journal}`,
    );
  }
  mkdirSync(dirname(options.out), { recursive: true });
  const outFd = openSync(options.out, journal ? "a" : "w");
  const journaled = journal
    ? journaledReviser(options.reviser, journal, options.reviserId)
    : undefined;
  const reviser: Reviser = journaled ?? options.reviser;

  // a failure of one record stops the others
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  // every record in flight listens on the one signal
  setMaxListeners(0, signal);
  let failure: unknown;

  // chains finish out of order; they are written in input order
  const ready = new Map<number, Chain | null>();
  let nextToWrite = 0;
  let flushed: () => void = () => {};
  let flushedOnce = new Promise<void>((r) => (flushed = r));
  const window = concurrency * 16;
  const flush = () => {
    while (ready.has(nextToWrite)) {
      const chain = ready.get(nextToWrite);
      ready.delete(nextToWrite);
      nextToWrite++;
      if (chain) {
        writeSync(outFd, `${JSON.stringify(chain)}\n`);
        report.written++;
      }
    }
    flushed();
    flushedOnce = new Promise<void>((r) => (flushed = r));
  };

  const iterator = toAsyncIterator(options.records);
  let pulling: Promise<unknown> = Promise.resolve();
  let index = 0;
  const pull = (): Promise<{ index: number; record: FeedbackRecord } | undefined> => {
    const next = pulling.then(async () => {
      if (signal.aborted) return undefined;
      const item = await iterator.next();
      return item.done ? undefined : { index: index++, record: item.value };
    });
    pulling = next.catch(() => {});
    return next;
  };

  // an error outside the reviser (unreadable input) stops every worker, then is rethrown
  let inputError: unknown;
  const worker = async () => {
    try {
      await work();
    } catch (err) {
      inputError ??= err;
      stop.abort();
    }
  };
  const work = async () => {
    for (;;) {
      while (index - nextToWrite >= window && !signal.aborted) await flushedOnce;
      const item = await pull();
      if (!item) return;
      const { record } = item;
      report.records++;
      const spans = record.spans.filter((s) => s.label === "disliked").length;
      if (done.has(record.id)) {
        report.skipped++;
        options.progress?.tick(spans, options.usage?.describe());
        ready.set(item.index, null);
        flush();
        continue;
      }

      // a reviser error is kept aside: the chain builder would turn it into a stopped chain
      let thrown: unknown;
      const guarded: Reviser = {
        name: reviser.name,
        async revise(request) {
          try {
            const result = await reviser.revise(request);
            options.progress?.tick(1, options.usage?.describe());
            return result;
          } catch (err) {
            thrown ??= err;
            throw err;
          }
        },
      };
      const chain = await buildChain(record, guarded, { signal });
      if (thrown !== undefined || signal.aborted) {
        if (failure === undefined && !options.signal?.aborted) failure = thrown;
        stop.abort();
        return;
      }
      if (chain.status === "complete") report.complete++;
      else report.stopped++;
      ready.set(item.index, chain);
      flush();
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    flush();
    closeSync(outFd);
    if (journaled) {
      report.replayed = journaled.counts.replayed;
      report.fresh = journaled.counts.fresh;
    }
    journal?.close();
  }

  if (inputError !== undefined) throw inputError;
  if (options.signal?.aborted) {
    throw new RunInterruptedError(
      `runChains: interrupted after writing ${report.written} chains; ` +
        (journal
          ? "run the same command again to resume"
          : "pass --journal FILE to make runs resumable"),
    );
  }
  if (failure !== undefined) {
    const message = failure instanceof Error ? failure.message : String(failure);
    throw new RunInterruptedError(
      `runChains: stopped: ${message}; ${report.written} chains written` +
        (journal ? ", finished rewrites are journaled; run the same command again to resume" : ""),
    );
  }
  return report;
}

/**
 * Ids of the chains already in a chain file, cutting a torn last line left by a killed run.
 */
export function readWrittenIds(path: string): Set<string> {
  const ids = new Set<string>();
  if (!existsSync(path)) return ids;
  const buffer = readFileSync(path);
  const keep = buffer.lastIndexOf(0x0a) + 1;
  if (keep < buffer.length) {
    const fd = openSync(path, "r+");
    ftruncateSync(fd, keep);
    closeSync(fd);
  }
  for (const line of buffer.subarray(0, keep).toString("utf8").split("\n")) {
    if (!line.trim()) continue;
    const id = (JSON.parse(line) as { id?: unknown }).id;
    if (typeof id === "string") ids.add(id);
  }
  return ids;
}

function toAsyncIterator<T>(
  source: AsyncIterable<T> | Iterable<T>,
): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in source
    ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (source as Iterable<T>)[Symbol.iterator]();
}
