// Checks of feedback spans against the response they point into. Problems come back as data
// (a code, a path and a message) so the API and the page can point at the exact span.
import { codePointToUtf16Table } from "../feedback/codepoints.js";
import { checkRecord } from "../feedback/rules.js";
import { type Span, SpanSchema } from "../feedback/schema.js";

/** One thing wrong with submitted spans. */
export interface SpanProblem {
  code: "invalid_shape" | "inverted_span" | "out_of_range" | "text_mismatch" | "too_many" | string;
  /** where the problem is, e.g. ["spans", 2, "end"] */
  path: (string | number)[];
  message: string;
}

/** Most spans one annotation may hold; a guard against runaway clients. */
export const MAX_SPANS = 2000;

/**
 * Parses `value` as a list of spans on `response` and checks each one: start <= end (an empty
 * span marks an insertion point),
 * end within the response (in code points), and `text`, when given, equal to the slice.
 */
export function checkSpans(
  response: string,
  value: unknown,
): { ok: true; spans: Span[] } | { ok: false; problems: SpanProblem[] } {
  if (!Array.isArray(value)) {
    return {
      ok: false,
      problems: [{ code: "invalid_shape", path: ["spans"], message: "spans must be an array" }],
    };
  }
  if (value.length > MAX_SPANS) {
    const message = `an annotation holds at most ${MAX_SPANS} spans, got ${value.length}`;
    return { ok: false, problems: [{ code: "too_many", path: ["spans"], message }] };
  }

  const table = codePointToUtf16Table(response);
  const length = table.length - 1;
  const problems: SpanProblem[] = [];
  const spans: Span[] = [];
  value.forEach((raw, i) => {
    const parsed = SpanSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = [
          "spans",
          i,
          ...issue.path.map((p) => (typeof p === "number" ? p : String(p))),
        ];
        problems.push({ code: "invalid_shape", path, message: issue.message });
      }
      return;
    }
    const span = parsed.data;
    if (span.end > length) {
      const message = `span ${i} ends at ${span.end} but the response has ${length} code points`;
      problems.push({ code: "out_of_range", path: ["spans", i, "end"], message });
      return;
    }
    if (span.start > span.end) {
      const message = `span ${i} starts at ${span.start}, after its end ${span.end}; swap them`;
      problems.push({ code: "inverted_span", path: ["spans", i], message });
      return;
    }
    if (span.text !== undefined) {
      const actual = response.slice(table[span.start], table[span.end]);
      if (actual !== span.text) {
        const message =
          `span ${i} text ${JSON.stringify(span.text)} differs from the response there ` +
          `(${JSON.stringify(actual)})`;
        problems.push({ code: "text_mismatch", path: ["spans", i, "text"], message });
        return;
      }
    }
    // keep the submitted object so its key order survives an export
    spans.push(raw as Span);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, spans };
}

/**
 * The errors the feedback validator (src/feedback/rules.ts) finds in spans that already passed
 * checkSpans: overlapping disliked spans, disliked spans with neither comment nor suggestion,
 * cut line breaks. Work in progress may have them; a record marked done may not.
 */
export function spanRuleErrors(response: string, spans: Span[]): SpanProblem[] {
  const record = { id: "check", prompt: "", response, spans };
  return checkRecord(record, 0)
    .filter((p) => p.severity === "error")
    .map((p) => ({ code: p.code, path: ruleProblemPath(p.path), message: p.message }));
}

/** `spans[3].end` as ["spans", 3, "end"]. */
function ruleProblemPath(path: string): (string | number)[] {
  return path
    .split(/[.[\]]/)
    .filter((part) => part !== "")
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}
