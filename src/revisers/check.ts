// Checks on a model's rewrite of one span before it enters a chain: the rewrite must stay inside
// its span, must not come back empty unless deletion was asked for, and must change the span.
import { checkLocality } from "../chains/locality.js";
import type { Range, ReviseRequest } from "../chains/types.js";
import { codePointLength, spliceCodePoints } from "../feedback/codepoints.js";

/**
 * A locality check: given the draft before and after a rewrite and the edited range in the
 * earlier draft, returns why the edit is not local, or null when it is.
 */
export type LocalityCheck = (before: string, after: string, range: Range) => string | null;

/** The outcome of checking one rewrite. */
export type RewriteVerdict = { ok: true; replacement: string } | { ok: false; reason: string };

/** Words in a comment that ask for a span to be removed rather than rewritten. */
const deletionWords =
  /\b(delete|remove|drop|cut|omit|strike|get rid of|unnecessary|not needed|redundant|superfluous)\b/i;

/** Whether the request allows an empty replacement: a "" suggestion or a comment asking to cut. */
export function deletionAsked(request: ReviseRequest): boolean {
  return request.span.suggestion === "" || deletionWords.test(request.span.comment ?? "");
}

/** Least length, in code points, of context that counts as the model copying its surroundings. */
const echoMin = 12;

/**
 * Checks `reply` as the replacement of `request.span`. A reply that is the whole draft with only
 * the span changed is cut down to its replacement; one that changed text elsewhere is refused.
 */
export function checkRewrite(
  request: ReviseRequest,
  reply: string,
  locality: LocalityCheck = checkChainLocality,
): RewriteVerdict {
  const { draft, span } = request;
  const chars = [...draft];
  const before = chars.slice(0, span.start).join("");
  const after = chars.slice(span.end).join("");
  const outside = span.start + (chars.length - span.end);
  let replacement = reply;

  // the model sent back the whole draft: keep it only if the change lies inside the span
  if (outside >= echoMin && codePointLength(reply) >= outside) {
    const p = commonPrefix(reply, draft);
    const s = commonSuffix(reply, draft, p);
    if (p + s >= outside / 2) {
      if (reply.startsWith(before) && reply.endsWith(after)) {
        replacement = [...reply]
          .slice(span.start, codePointLength(reply) - (chars.length - span.end))
          .join("");
      } else {
        const a = Math.min(p, span.start);
        const b = Math.max(chars.length - s, span.end);
        return {
          ok: false,
          reason:
            `the rewrite changed text outside the span: it returned the whole answer with ` +
            `edits at code points ${a}-${b}, but only ${span.start}-${span.end} may change`,
        };
      }
    }
  }

  // copying the neighbouring words duplicates them once the span is replaced
  if (echoes(replacement, before, after)) {
    return {
      ok: false,
      reason:
        "the rewrite repeats text from just before or after the span, which would appear twice; " +
        "return only the new text of the marked passage",
    };
  }

  // keep the span's own outer whitespace when the model trimmed it
  if (replacement.trim() !== "") {
    const lead = /^\s*/.exec(span.text)?.[0] ?? "";
    const trail = /\s*$/.exec(span.text)?.[0] ?? "";
    if (replacement === replacement.trim()) replacement = lead + replacement + trail;
  }

  if (replacement.trim() === "" && !deletionAsked(request)) {
    return {
      ok: false,
      reason: "the rewrite is empty, but the comment does not ask for the passage to be removed",
    };
  }
  if (normalize(replacement) === normalize(span.text)) {
    return { ok: false, reason: "the rewrite repeats the original passage unchanged" };
  }

  const next = spliceCodePoints(draft, span.start, span.end, replacement);
  const refused = locality(draft, next, [span.start, span.end]);
  return refused ? { ok: false, reason: refused } : { ok: true, replacement };
}

/**
 * The chain builder's locality check, for an edit of `range` in `before` that gave `after`: the
 * drafts must agree outside the edited range.
 */
export function checkChainLocality(before: string, after: string, range: Range): string | null {
  const grown = codePointLength(after) - codePointLength(before);
  const reason = checkLocality({
    previous: before,
    next: after,
    range_before: range,
    range_after: [range[0], range[1] + grown],
    liked: [],
  });
  return reason === undefined ? null : `locality check failed: ${reason}`;
}

function echoes(replacement: string, before: string, after: string): boolean {
  const r = replacement.trim();
  const b = before.trimEnd();
  const a = after.trimStart();
  // the replacement ends with the opening words of what follows, or starts with the last
  // words of what precedes
  for (let k = Math.min(r.length, a.length); k >= echoMin; k--) {
    if (r.endsWith(a.slice(0, k))) return true;
  }
  for (let k = Math.min(r.length, b.length); k >= echoMin; k--) {
    if (r.startsWith(b.slice(b.length - k))) return true;
  }
  return false;
}

function normalize(s: string): string {
  return s.trim().replace(/\s+/g, " ");
}

function commonPrefix(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

function commonSuffix(a: string, b: string, prefix: number): number {
  const x = [...a];
  const y = [...b];
  let i = 0;
  while (
    i < x.length - prefix &&
    i < y.length - prefix &&
    x[x.length - 1 - i] === y[y.length - 1 - i]
  )
    i++;
  return i;
}
