// Span checks against a response, in code points, with problems as data.
import { describe, expect, it } from "vitest";
import { checkSpans, spanRuleErrors } from "./spans.js";

describe("checkSpans", () => {
  const response = "a😀b\r\nc";

  it("accepts spans measured in code points and keeps their key order", () => {
    const spans = [
      { label: "liked", end: 2, start: 1, text: "😀" },
      { start: 3, end: 3, label: "disliked", suggestion: "!" },
    ];
    const checked = checkSpans(response, spans);
    expect(checked).toEqual({ ok: true, spans });
    if (checked.ok)
      expect(Object.keys(checked.spans[0])).toEqual(["label", "end", "start", "text"]);
  });

  it("points at each bad span and says what is wrong", () => {
    const checked = checkSpans(response, [
      { start: 0, end: 7, label: "liked" },
      { start: 1, end: 3, label: "liked", text: "😀" },
      { start: 2, end: 1, label: "liked" },
      { start: -1, end: 1, label: "liked" },
      { start: 0, end: 1, label: "liked", extra: true },
    ]);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems.map((p) => [p.code, p.path.join(".")])).toEqual([
      ["out_of_range", "spans.0.end"],
      ["text_mismatch", "spans.1.text"],
      ["inverted_span", "spans.2"],
      ["invalid_shape", "spans.3.start"],
      ["invalid_shape", "spans.4"],
    ]);
    expect(checked.problems[0].message).toBe("span 0 ends at 7 but the response has 6 code points");
  });

  it("refuses something that is not a list", () => {
    expect(checkSpans(response, { start: 0 })).toMatchObject({ ok: false });
  });
});

describe("spanRuleErrors", () => {
  it("reports the validator's errors but not its warnings", () => {
    const errors = spanRuleErrors("abcdef", [
      { start: 0, end: 3, label: "disliked", comment: "x" },
      { start: 2, end: 4, label: "disliked", comment: "y" },
      { start: 4, end: 6, label: "liked", suggestion: "warned only" },
    ]);
    expect(errors.map((e) => [e.code, e.path])).toEqual([["overlapping_spans", ["spans", 1]]]);
  });
});
