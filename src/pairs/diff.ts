// The edited range between two texts: strip their common prefix and suffix, in code points, so
// a trainer can find the tokens that differ. Never splits a surrogate pair.

import type { Range } from "../chains/types.js";
import { codePointOffset } from "../feedback/codepoints.js";

/** Ranges in `rejected` and `chosen` outside which the two texts are identical. */
export interface DiffRanges {
  rejected_range: Range;
  chosen_range: Range;
}

/**
 * The smallest ranges [p, len - s) of both texts, where p and s are the lengths of their common
 * prefix and suffix (the suffix limited so it does not overlap the prefix). Offsets are code
 * points. Equal texts give two empty ranges at the end.
 */
export function diffRanges(rejected: string, chosen: string): DiffRanges {
  const a = rejected;
  const b = chosen;
  const max = Math.min(a.length, b.length);

  // common prefix, backed off so it does not end inside a surrogate pair
  let p = 0;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  if (p > 0 && isHigh(a.charCodeAt(p - 1))) p--;

  // common suffix, not reaching into the prefix and not starting inside a surrogate pair
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  if (s > 0 && isLow(a.charCodeAt(a.length - s)) && isHigh(a.charCodeAt(a.length - s - 1))) s--;

  const ps = codePointOffset(a, p);
  return {
    rejected_range: [ps, ps + codePointOffset(a.slice(p), a.length - s - p)],
    chosen_range: [ps, ps + codePointOffset(b.slice(p), b.length - s - p)],
  };
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
