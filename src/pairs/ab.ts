// A/B pairs: two different responses to the same prompt with a whole-answer judgment. The
// judgment comes either from a judgments file ({chosen_id, rejected_id} per line) or from a
// numeric score in each record's metadata (higher is better).
import { z } from "zod";
import type { FeedbackRecord } from "../feedback/schema.js";
import { diffRanges } from "./diff.js";
import type { PreferencePair } from "./types.js";

/** One line of an A/B judgments file: which of two records' responses is better. */
export const AbJudgmentSchema = z.strictObject({
  chosen_id: z.string().min(1).describe("id of the record whose response is preferred"),
  rejected_id: z.string().min(1).describe("id of the record whose response is worse"),
  annotator: z.string().optional().describe("who judged"),
  comment: z.string().optional().describe("why"),
});

export type AbJudgment = z.infer<typeof AbJudgmentSchema>;

/** The part of a feedback record an A/B pair needs. */
export type AbCandidate = Pick<FeedbackRecord, "id" | "prompt" | "response" | "metadata">;

/** The pair preferring `chosen`'s response over `rejected`'s; both answer the same prompt. */
export function makeAbPair(chosen: AbCandidate, rejected: AbCandidate): PreferencePair {
  const ranges = diffRanges(rejected.response, chosen.response);
  return {
    id: `${chosen.id}:ab:${rejected.id}`,
    prompt: chosen.prompt,
    chosen: chosen.response,
    rejected: rejected.response,
    strategy: "ab",
    source_id: chosen.id,
    rejected_source_id: rejected.id,
    chosen_range: ranges.chosen_range,
    rejected_range: ranges.rejected_range,
    ...(chosen.metadata !== undefined && { metadata: chosen.metadata }),
  };
}

/** The key that groups records by prompt: the prompt exactly as written. */
export function promptKey(prompt: FeedbackRecord["prompt"]): string {
  return JSON.stringify(prompt);
}

/** The numeric score at `metadata[field]`, or undefined when there is none. */
export function scoreOf(record: AbCandidate, field = "score"): number | undefined {
  const value = record.metadata?.[field];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * Collects scored records by prompt, then pairs every two responses to one prompt whose scores
 * differ, the higher preferred. Holds the scored responses in memory until `pairs` is called.
 */
export class ScoreGrouper {
  private readonly groups = new Map<string, (AbCandidate & { score: number })[]>();
  /** records without a numeric score, which cannot be paired */
  unscored = 0;

  constructor(private readonly field = "score") {}

  add(record: AbCandidate): void {
    const score = scoreOf(record, this.field);
    if (score === undefined) {
      this.unscored++;
      return;
    }
    const key = promptKey(record.prompt);
    const group = this.groups.get(key) ?? [];
    group.push({
      id: record.id,
      prompt: record.prompt,
      response: record.response,
      ...(record.metadata !== undefined && { metadata: record.metadata }),
      score,
    });
    this.groups.set(key, group);
  }

  /** Pairs per prompt group, in the order groups were first seen; ties give no pair. */
  *pairs(): Generator<PreferencePair> {
    for (const group of this.groups.values()) {
      for (let i = 0; i < group.length; i++) {
        for (let j = i + 1; j < group.length; j++) {
          const [a, b] = [group[i], group[j]];
          if (a.score === b.score) continue;
          yield a.score > b.score ? makeAbPair(a, b) : makeAbPair(b, a);
        }
      }
    }
  }
}
