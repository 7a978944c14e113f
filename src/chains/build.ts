// Builds an improvement chain: the disliked spans of one record rewritten left to right, one edit
// per step, with every other span's offsets remapped exactly after each edit.
import { codePointIndex, codePointLength } from "../feedback/codepoints.js";
import type { FeedbackRecord, Span } from "../feedback/schema.js";
import { checkLocality, type LikedPlacement } from "./locality.js";
import type {
  Chain,
  ChainEdit,
  ChainStep,
  ChainStop,
  DraftSpan,
  Range,
  ReviseResult,
  Reviser,
  StepSpan,
} from "./types.js";

/** Options of {@link buildChain}. */
export interface BuildChainOptions {
  /** aborts the reviser calls still to come */
  signal?: AbortSignal;
}

/**
 * Where a range lands after code points [s, e) were replaced by `length` new ones. Ranges wholly
 * before the edit stay; ranges at or after its end shift by the change in length; a range that
 * straddles the edit stretches or shrinks with it.
 */
export function remapRange(range: Range, edited: Range, length: number): Range {
  const [s, e] = edited;
  const delta = length - (e - s);
  const [a, b] = range;
  if (b <= s) return [a, b];
  if (a >= e) return [a + delta, b + delta];
  // an empty range inside the edit stays empty, at its start
  if (a === b) return [s, s];
  const start = a <= s ? a : a >= e ? a + delta : s;
  const end = b >= e ? b + delta : s + length;
  return [start, Math.max(start, end)];
}

/** The disliked spans of a record in the order a chain rewrites them: left to right. */
export function rewriteOrder(spans: readonly Span[]): number[] {
  const order: number[] = [];
  spans.forEach((s, i) => {
    if (s.label === "disliked") order.push(i);
  });
  return order.sort(
    (a, b) => spans[a].start - spans[b].start || spans[a].end - spans[b].end || a - b,
  );
}

/**
 * Rewrites the disliked spans of `record` one at a time, left to right, asking `reviser` for
 * each replacement. A reviser failure, or an edit that fails the locality check, stops the
 * chain: it is recorded in `rejected` and `stop`, and the drafts so far are kept.
 */
export async function buildChain(
  record: FeedbackRecord,
  reviser: Reviser,
  options: BuildChainOptions = {},
): Promise<Chain> {
  const spans = record.spans;
  const order = rewriteOrder(spans);
  const position: (Range | undefined)[] = spans.map((s) => [s.start, s.end]);
  let draft = record.response;
  const steps: ChainStep[] = [{ index: 0, text: draft, spans: placeSpans(spans, position) }];
  const rejected: ChainStop[] = [];
  let stop: ChainStop | undefined;

  for (let k = 0; k < order.length; k++) {
    const d = order[k];
    const span = spans[d];
    const index = codePointIndex(draft);
    const slice = ([a, b]: Range) => draft.slice(index.utf16(a), index.utf16(b));
    const here = position[d]!;

    // ask for the replacement
    const draftSpan = (i: number): DraftSpan => ({
      start: position[i]![0],
      end: position[i]![1],
      text: slice(position[i]!),
      ...(spans[i].comment !== undefined && { comment: spans[i].comment }),
    });
    const liked = spans.flatMap((s, i) => (s.label === "liked" ? [i] : []));
    const result = await revise(reviser, {
      record_id: record.id,
      prompt: record.prompt,
      draft,
      span_index: d,
      span: {
        ...draftSpan(d),
        ...(span.suggestion !== undefined && { suggestion: span.suggestion }),
      },
      liked: liked.map(draftSpan),
      ahead: order.slice(k + 1).map(draftSpan),
      signal: options.signal,
    });
    if (!result.ok) {
      stop = { span_index: d, reason: result.reason };
      rejected.push(stop);
      break;
    }

    // apply it and move every other span
    const replacement = result.replacement;
    const next =
      draft.slice(0, index.utf16(here[0])) + replacement + draft.slice(index.utf16(here[1]));
    const length = codePointLength(replacement);
    const moved = position.map((p, i) =>
      p === undefined || i === d ? undefined : remapRange(p, here, length),
    );
    const edit: ChainEdit = {
      span_index: d,
      ...(span.comment !== undefined && { comment: span.comment }),
      before: slice(here),
      after: replacement,
      range_before: [here[0], here[1]],
      range_after: [here[0], here[0] + length],
      reviser: reviser.name,
    };

    // refuse edits that reach outside their range or into liked text
    const placements: LikedPlacement[] = liked.map((i) => ({
      span_index: i,
      before: position[i]!,
      after: moved[i]!,
    }));
    const reason = checkLocality({
      previous: draft,
      next,
      range_before: edit.range_before,
      range_after: edit.range_after,
      liked: placements,
    });
    if (reason !== undefined) {
      stop = { span_index: d, reason: `locality check failed: ${reason}` };
      rejected.push(stop);
      break;
    }

    draft = next;
    for (let i = 0; i < position.length; i++) position[i] = moved[i];
    steps.push({ index: steps.length, text: draft, edit, spans: placeSpans(spans, position) });
  }

  return {
    id: record.id,
    prompt: record.prompt,
    steps,
    status: stop === undefined ? "complete" : "stopped",
    ...(stop !== undefined && { stop }),
    rejected,
    ...(record.metadata !== undefined && { metadata: record.metadata }),
  };
}

// a reviser that throws counts as one that failed, with the error as the reason
async function revise(
  reviser: Reviser,
  request: Parameters<Reviser["revise"]>[0],
): Promise<ReviseResult> {
  try {
    return await reviser.revise(request);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: `reviser ${reviser.name} failed: ${message}` };
  }
}

function placeSpans(spans: readonly Span[], position: readonly (Range | undefined)[]): StepSpan[] {
  const out: StepSpan[] = [];
  spans.forEach((s, i) => {
    const p = position[i];
    if (p !== undefined) out.push({ ...s, start: p[0], end: p[1], span_index: i });
  });
  return out;
}
