// Streams chains (or, for `ab`, feedback records) into a pairs file, dropping no-op pairs and
// exact duplicates and counting both. Duplicates are found by 64-bit fingerprints, 12 bytes
// per pair kept, so memory stays nearly flat however long the file.
import { ChainSchema } from "../chains/schema.js";
import type { Chain } from "../chains/types.js";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import { createProgress } from "../common/progress.js";
import { FingerprintMap } from "../feedback/fingerprint.js";
import { createJsonlWriter, type JsonlReport, readJsonl } from "../feedback/jsonl.js";
import type { Problem } from "../feedback/problems.js";
import type { FeedbackRecord } from "../feedback/schema.js";
import { emptyReport, type FeedbackReport, readFeedback } from "../feedback/validate.js";
import {
  type AbCandidate,
  type AbJudgment,
  AbJudgmentSchema,
  makeAbPair,
  promptKey,
  ScoreGrouper,
} from "./ab.js";
import { pairsFromChain } from "./build.js";
import type { PairStrategy, PreferencePair } from "./types.js";

/** Options of {@link writePairs}. */
export interface WritePairsOptions {
  /** chains JSONL, or feedback JSONL for `ab` */
  input: string;
  /** pairs JSONL to write; `-` for stdout */
  output: string;
  strategy: PairStrategy;
  /** for `ab`: a judgments JSONL; without it, records are paired by `metadata[scoreField]` */
  judgments?: string;
  /** for `ab` without judgments: the metadata field holding a numeric score (default `score`) */
  scoreField?: string;
  /** stop at the first bad input line instead of skipping it */
  strict?: boolean;
  logger?: Logger;
  progress?: boolean;
  onProblem?: (problem: Problem) => void;
}

/** What a pairs run did. */
export interface PairsSummary {
  /** counts over the input lines (chains, or feedback records for `ab`) */
  input: JsonlReport | FeedbackReport;
  pairs: number;
  /** pairs whose chosen and rejected texts were equal, dropped */
  noop: number;
  /** pairs equal to an earlier one in prompt, chosen and rejected, dropped */
  duplicates: number;
  /** `ab` with judgments: judgments naming a missing record or pairing different prompts */
  unmatched: number;
  /** `ab` by score: records without a numeric score, which cannot take part */
  unscored: number;
}

/** Detects exact duplicate pairs (same prompt, chosen and rejected) across a whole run. */
export class PairDeduper {
  private readonly seen = new FingerprintMap();

  /** True the first time a pair with this prompt, chosen and rejected text is offered. */
  isNew(pair: PreferencePair): boolean {
    const key = JSON.stringify([pair.prompt, pair.chosen, pair.rejected]);
    return this.seen.addIfAbsent(key, 1) === undefined;
  }
}

/** Makes the pairs of `options.strategy` from `options.input` and writes them, one per line. */
export async function writePairs(options: WritePairsOptions): Promise<PairsSummary> {
  const logger = options.logger ?? silentLogger;
  const summary: PairsSummary = {
    input: emptyReport(),
    pairs: 0,
    noop: 0,
    duplicates: 0,
    unmatched: 0,
    unscored: 0,
  };
  const writer = createJsonlWriter(options.output);
  const deduper = new PairDeduper();
  const progress = options.progress ? createProgress({ label: "pairs" }) : undefined;
  const emit = async (pair: PreferencePair) => {
    if (pair.chosen === pair.rejected) summary.noop++;
    else if (!deduper.isNew(pair)) summary.duplicates++;
    else {
      await writer.write(pair);
      summary.pairs++;
    }
  };

  try {
    if (options.strategy === "ab") {
      for await (const pair of abPairs(options, summary, logger)) await emit(pair);
    } else {
      const report: JsonlReport = { lines: 0, valid: 0, skipped: 0 };
      summary.input = report;
      const chains = readJsonl<Chain>(options.input, ChainSchema, {
        strict: options.strict,
        what: "chain",
        file: options.input,
        logger,
        report,
      });
      for await (const chain of chains) {
        for (const pair of pairsFromChain(chain, options.strategy)) await emit(pair);
        progress?.tick();
      }
    }
  } finally {
    await writer.close();
  }
  progress?.done();
  return summary;
}

// feedback records to A/B pairs, by judgments file or by score
async function* abPairs(
  options: WritePairsOptions,
  summary: PairsSummary,
  logger: Logger,
): AsyncGenerator<PreferencePair> {
  const report = emptyReport();
  summary.input = report;
  const records = readFeedback(options.input, {
    strict: options.strict,
    logger,
    file: options.input,
    report,
    onProblem: options.onProblem,
  });

  if (options.judgments === undefined) {
    const grouper = new ScoreGrouper(options.scoreField);
    for await (const record of records) grouper.add(record);
    summary.unscored = grouper.unscored;
    if (grouper.unscored > 0) {
      logger.info(
        `${grouper.unscored} record(s) have no numeric metadata.${options.scoreField ?? "score"} ` +
          "and were left out of the A/B pairs; give them a score or pass --judgments",
      );
    }
    yield* grouper.pairs();
    return;
  }

  // judgments name the records they need: keep only those
  const judgments: AbJudgment[] = [];
  for await (const judgment of readJsonl(options.judgments, AbJudgmentSchema, {
    strict: options.strict,
    what: "judgment",
    file: options.judgments,
    logger,
  })) {
    judgments.push(judgment);
  }
  const needed = new Set(judgments.flatMap((j) => [j.chosen_id, j.rejected_id]));
  const kept = new Map<string, AbCandidate>();
  for await (const record of records) {
    if (needed.has(record.id)) kept.set(record.id, candidate(record));
  }
  for (const judgment of judgments) {
    const chosen = kept.get(judgment.chosen_id);
    const rejected = kept.get(judgment.rejected_id);
    const missing =
      chosen === undefined
        ? judgment.chosen_id
        : rejected === undefined
          ? judgment.rejected_id
          : undefined;
    if (missing !== undefined) {
      summary.unmatched++;
      logger.warn(
        `judgment ${judgment.chosen_id} > ${judgment.rejected_id}: no valid record "${missing}" in ${options.input}`,
      );
      continue;
    }
    if (promptKey(chosen!.prompt) !== promptKey(rejected!.prompt)) {
      summary.unmatched++;
      logger.warn(
        `judgment ${judgment.chosen_id} > ${judgment.rejected_id}: the two records answer different prompts; an A/B pair needs one prompt`,
      );
      continue;
    }
    yield makeAbPair(chosen!, rejected!);
  }
}

function candidate(record: FeedbackRecord): AbCandidate {
  return {
    id: record.id,
    prompt: record.prompt,
    response: record.response,
    ...(record.metadata !== undefined && { metadata: record.metadata }),
  };
}
