// The locality check: two adjacent drafts of a chain may differ only inside the edited range,
// and every liked span must read the same before and after the edit.
import { codePointIndex } from "../feedback/codepoints.js";
import type { Range } from "./types.js";

/** A liked span's place before and after an edit, for the check. */
export interface LikedPlacement {
  span_index: number;
  before: Range;
  after: Range;
}

/** What {@link checkLocality} compares. */
export interface LocalityInput {
  previous: string;
  next: string;
  /** edited range in `previous` */
  range_before: Range;
  /** edited range in `next` */
  range_after: Range;
  liked: readonly LikedPlacement[];
}

/**
 * Returns undefined when `next` equals `previous` outside the edited ranges and every liked span
 * holds the same text in both drafts; otherwise the reason the edit is not local.
 */
export function checkLocality(input: LocalityInput): string | undefined {
  const { previous, next, range_before: rb, range_after: ra } = input;
  const pi = codePointIndex(previous);
  const ni = codePointIndex(next);
  const pLen = pi.length;
  const nLen = ni.length;
  const p = (cp: number) => pi.utf16(Math.min(cp, pLen));
  const n = (cp: number) => ni.utf16(Math.min(cp, nLen));

  // the ranges must fit their drafts and leave suffixes of equal length
  if (!(0 <= rb[0] && rb[0] <= rb[1] && rb[1] <= pLen)) {
    return `edited range [${rb[0]}, ${rb[1]}) does not fit the previous draft of ${pLen} code points`;
  }
  if (!(0 <= ra[0] && ra[0] <= ra[1] && ra[1] <= nLen)) {
    return `edited range [${ra[0]}, ${ra[1]}) does not fit the new draft of ${nLen} code points`;
  }
  if (rb[0] !== ra[0] || pLen - rb[1] !== nLen - ra[1]) {
    return (
      `edited ranges [${rb[0]}, ${rb[1]}) and [${ra[0]}, ${ra[1]}) do not leave the same text ` +
      "before and after them"
    );
  }

  // unchanged prefix and suffix
  if (previous.slice(0, p(rb[0])) !== next.slice(0, n(ra[0]))) {
    return `the drafts differ before the edited range, which starts at ${rb[0]}`;
  }
  if (previous.slice(p(rb[1])) !== next.slice(n(ra[1]))) {
    return `the drafts differ after the edited range, which ends at ${rb[1]} (${ra[1]} after the edit)`;
  }

  // liked spans untouched
  for (const l of input.liked) {
    const textBefore = previous.slice(p(l.before[0]), p(l.before[1]));
    const textAfter = next.slice(n(l.after[0]), n(l.after[1]));
    const reaches =
      l.before[0] < l.before[1] &&
      (rb[0] === rb[1]
        ? l.before[0] < rb[0] && rb[0] < l.before[1]
        : rb[0] < l.before[1] && l.before[0] < rb[1]);
    if (reaches || textBefore !== textAfter) {
      return (
        `the edit [${rb[0]}, ${rb[1]}) changes liked spans[${l.span_index}] ` +
        `[${l.before[0]}, ${l.before[1]}), which must stay untouched`
      );
    }
  }
  return undefined;
}
