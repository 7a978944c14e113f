// The rules a well-typed feedback record must also satisfy: offsets inside the response, span
// text equal to its slice, no cut CRLF or lone surrogate, disliked spans that do not overlap and
// say what is wrong. Each broken rule becomes a Problem with a path and a fix.
import { codePointIndex } from "./codepoints.js";
import type { Problem, ProblemCode, Severity } from "./problems.js";
import type { FeedbackRecord, Span } from "./schema.js";

/** Checks one schema-valid record; `line` is where it sits in its file. */
export function checkRecord(record: FeedbackRecord, line: number): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, code: ProblemCode, message: string, severity: Severity = "error") =>
    problems.push({ line, path, code, severity, message });

  const response = record.response;
  const index = codePointIndex(response);
  const n = index.length;
  const slice = (a: number, b: number) => response.slice(index.utf16(a), index.utf16(b));

  // lone surrogates anywhere in the text fields
  const lone = findLoneSurrogate(response);
  if (lone !== undefined) {
    add(
      "response",
      "lone_surrogate",
      `contains a lone surrogate ${lone.unit} at code point ${lone.at}; the text was cut inside ` +
        "an emoji or another character outside the BMP: re-export it from its source",
    );
  }

  const inRange: boolean[] = [];
  record.spans.forEach((span, i) => {
    const at = `spans[${i}]`;

    // offsets inside the response and in order
    let ok = true;
    for (const key of ["start", "end"] as const) {
      if (span[key] > n) {
        ok = false;
        add(`${at}.${key}`, "offset_out_of_range", pastEndMessage(span[key], response, n));
      }
    }
    if (ok && span.start > span.end) {
      ok = false;
      add(
        at,
        "inverted_span",
        `start ${span.start} is after end ${span.end}; swap them (end is exclusive, so a span ` +
          "of one character is [i, i+1])",
      );
    }
    inRange.push(ok);
    if (!ok) return;

    // the given text is the slice
    if (span.text !== undefined) {
      const actual = slice(span.start, span.end);
      if (actual !== span.text) {
        const utf16 = response.slice(span.start, span.end);
        const hint =
          utf16 === span.text && n !== response.length
            ? "; the offsets match if read as UTF-16 units (JavaScript string indices): " +
              "convert them to code points"
            : "; fix the offsets or the text";
        add(
          `${at}.text`,
          "text_mismatch",
          `is ${quote(span.text)} but response[${span.start}:${span.end}] is ${quote(actual)}${hint}`,
        );
      }
    }

    // no boundary between \r and \n
    for (const key of ["start", "end"] as const) {
      const p = span[key];
      const char = (cp: number) => response[index.utf16(cp)];
      if (p > 0 && p < n && char(p - 1) === "\r" && char(p) === "\n") {
        add(
          `${at}.${key}`,
          "splits_crlf",
          `${p} falls between the \\r and \\n of a CRLF line break; move it to ${p - 1} ` +
            `(before the \\r) or ${p + 1} (after the \\n)`,
        );
      }
    }

    // lone surrogates in the annotator's text
    for (const key of ["text", "suggestion", "comment"] as const) {
      const value = span[key];
      const bad = value === undefined ? undefined : findLoneSurrogate(value);
      if (bad !== undefined) {
        add(
          `${at}.${key}`,
          "lone_surrogate",
          `contains a lone surrogate ${bad.unit} at code point ${bad.at}; write the whole ` +
            "character (both halves of the surrogate pair)",
        );
      }
    }

    // what the span asks for
    if (span.label === "disliked") {
      const hasComment = span.comment !== undefined && span.comment.trim() !== "";
      if (!hasComment && span.suggestion === undefined) {
        add(
          at,
          "missing_comment_and_suggestion",
          "a disliked span needs a comment saying what is wrong or a suggestion with the " +
            'replacement text (an empty suggestion "" deletes the span)',
        );
      }
    } else if (span.suggestion !== undefined) {
      add(
        `${at}.suggestion`,
        "suggestion_on_liked",
        "is ignored because the span is liked; remove it or label the span disliked",
        "warning",
      );
    }
  });

  checkOverlaps(record.spans, inRange, add);
  return problems;
}

type Add = (path: string, code: ProblemCode, message: string, severity?: Severity) => void;

/** Disliked spans must be disjoint; a disliked span inside a liked one is only warned about. */
function checkOverlaps(spans: readonly Span[], inRange: readonly boolean[], add: Add): void {
  const disliked: number[] = [];
  const liked: number[] = [];
  spans.forEach((s, i) => {
    if (!inRange[i]) return;
    (s.label === "disliked" ? disliked : liked).push(i);
  });
  disliked.sort((a, b) => spans[a].start - spans[b].start || spans[a].end - spans[b].end || a - b);

  // sweep left to right: a span can only clash with the earlier span reaching furthest, or
  // (for insertions at one point) with the one just before it
  let reach = -1;
  for (let k = 0; k < disliked.length; k++) {
    const j = disliked[k];
    const prev = k > 0 ? disliked[k - 1] : -1;
    let clash: number | undefined;
    if (reach >= 0 && editsOverlap(spans[reach], spans[j])) clash = reach;
    else if (prev >= 0 && editsOverlap(spans[prev], spans[j])) clash = prev;
    if (clash !== undefined) {
      add(
        `spans[${j}]`,
        "overlapping_spans",
        `disliked [${spans[j].start}, ${spans[j].end}) overlaps disliked spans[${clash}] ` +
          `[${spans[clash].start}, ${spans[clash].end}); disliked spans are rewritten one at a ` +
          "time, so merge them into one span or shorten one",
      );
    }
    if (reach < 0 || spans[j].end > spans[reach].end) reach = j;
  }

  for (const j of disliked) {
    for (const i of liked) {
      if (!touchesLiked(spans[j], spans[i])) continue;
      add(
        `spans[${j}]`,
        "liked_overlaps_disliked",
        `disliked [${spans[j].start}, ${spans[j].end}) reaches into liked spans[${i}] ` +
          `[${spans[i].start}, ${spans[i].end}); rewriting it would change liked text, so a ` +
          "chain stops before this span: shrink one of the two",
        "warning",
      );
      break;
    }
  }
}

/** Whether two disliked edits interfere: shared text, or insertions at the same place. */
export function editsOverlap(a: Span, b: Span): boolean {
  if (a.start < b.end && b.start < a.end) return true;
  const aEmpty = a.start === a.end;
  const bEmpty = b.start === b.end;
  if (aEmpty && bEmpty) return a.start === b.start;
  if (aEmpty) return b.start < a.start && a.start < b.end;
  if (bEmpty) return a.start < b.start && b.start < a.end;
  return false;
}

/** Whether rewriting the disliked span `d` would change the text of the liked span `l`. */
export function touchesLiked(d: { start: number; end: number }, l: Span): boolean {
  if (l.start === l.end) return false;
  if (d.start === d.end) return l.start < d.start && d.start < l.end;
  return d.start < l.end && l.start < d.end;
}

function pastEndMessage(offset: number, response: string, n: number): string {
  const hint =
    n !== response.length && offset <= response.length
      ? ` (it is ${response.length} UTF-16 units long: offsets taken from JavaScript string ` +
        "indices must be converted to code points)"
      : "";
  const points = n === 1 ? "1 code point" : `${n} code points`;
  return (
    `${offset} is past the end of the response, which has ${points}${hint}; offsets ` +
    "count Unicode code points and are end-exclusive, as Python slices"
  );
}

/** The first unpaired UTF-16 surrogate in `s`, with its code-point position. */
export function findLoneSurrogate(s: string): { at: number; unit: string } | undefined {
  let cp = 0;
  for (let i = 0; i < s.length; i++, cp++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return { at: cp, unit: `U+${c.toString(16).toUpperCase()}` };
  }
  return undefined;
}

function quote(s: string, max = 60): string {
  const json = JSON.stringify(s);
  return json.length <= max ? json : `${json.slice(0, max - 2)}…"`;
}
