// Improvement chains: the drafts made by rewriting disliked spans one at a time, left to right,
// and the Reviser interface that writes each replacement. Offsets are code points.
import type { Prompt, Span } from "../feedback/schema.js";

/** A half-open code-point range [start, end). */
export type Range = [start: number, end: number];

/** The edit that turned draft k-1 into draft k. */
export interface ChainEdit {
  /** index of the disliked span in the record's `spans` array */
  span_index: number;
  /** the annotator's comment on the span */
  comment?: string;
  /** the replaced text, as it stood in the previous draft */
  before: string;
  /** the replacement text */
  after: string;
  /** edited range in the previous draft */
  range_before: Range;
  /** edited range in this draft */
  range_after: Range;
  /** which reviser produced the replacement */
  reviser: string;
}

/** A span of the record placed in one draft, with its index in the record's `spans`. */
export type StepSpan = Span & { span_index: number };

/** One draft of a chain; step 0 is the original response and carries no edit. */
export interface ChainStep {
  index: number;
  text: string;
  edit?: ChainEdit;
  /** the record's spans remapped into this draft (edited ones dropped as they are replaced) */
  spans: StepSpan[];
}

/** Why a chain stopped before rewriting every disliked span, or why a rewrite was refused. */
export interface ChainStop {
  span_index: number;
  reason: string;
}

/** One improvement chain: original → edit 1 → edit 2 → … */
export interface Chain {
  id: string;
  prompt: Prompt;
  steps: ChainStep[];
  /** `complete` when every disliked span was rewritten */
  status: "complete" | "stopped";
  stop?: ChainStop;
  /** rewrites that failed the locality check or the reviser, with reasons */
  rejected: ChainStop[];
  metadata?: Record<string, unknown>;
}

/** A span of the current draft, with its text, as a reviser sees it. */
export interface DraftSpan {
  start: number;
  end: number;
  text: string;
  comment?: string;
}

/** Everything a reviser is given to rewrite one disliked span. */
export interface ReviseRequest {
  record_id: string;
  prompt: Prompt;
  /** the current draft, with earlier edits applied */
  draft: string;
  /** index of the span in the record's `spans` */
  span_index: number;
  /** the disliked span, at its current position in `draft` */
  span: DraftSpan & { suggestion?: string };
  /** liked spans that must stay untouched */
  liked: DraftSpan[];
  /** disliked spans still to be rewritten after this one */
  ahead: DraftSpan[];
  signal?: AbortSignal;
}

/** A reviser's answer: the replacement text, or a reason it could not produce one. */
export type ReviseResult = { ok: true; replacement: string } | { ok: false; reason: string };

/**
 * Produces the replacement for one disliked span. Implementations: the annotator's
 * suggestion, or an LLM asked to rewrite the span as the comment says.
 */
export interface Reviser {
  readonly name: string;
  revise(request: ReviseRequest): Promise<ReviseResult>;
}
