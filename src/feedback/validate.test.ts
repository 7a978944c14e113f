// Tests of feedback validation: one test per rule, messages pinned by inline snapshots.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatProblem } from "./problems.js";
import {
  emptyReport,
  InvalidFeedbackError,
  readFeedback,
  validateFeedbackLines,
} from "./validate.js";

async function problemsOf(...records: unknown[]): Promise<string[]> {
  const lines = records.map((r, i) => ({
    line: i + 1,
    text: typeof r === "string" ? r : JSON.stringify(r),
  }));
  const out: string[] = [];
  for await (const result of validateFeedbackLines(lines)) {
    for (const p of result.problems) out.push(formatProblem(p));
  }
  return out;
}

const base = { id: "r1", prompt: "Say hi.", response: "Hello there, friend." };

describe("validateFeedbackLines", () => {
  it("accepts a good record with liked and disliked spans", async () => {
    const record = {
      ...base,
      spans: [
        { start: 0, end: 5, label: "liked", text: "Hello" },
        { start: 6, end: 11, label: "disliked", comment: "stiff", suggestion: "you" },
      ],
      annotator: "ann-1",
      created_at: "2026-03-01T12:00:00Z",
      metadata: { batch: 3 },
    };
    expect(await problemsOf(record)).toEqual([]);
  });

  it("reports a line that is not JSON and one that is not an object", async () => {
    expect(await problemsOf('{"id": "a",', "[1, 2]", "null", "7")).toMatchInlineSnapshot(`
      [
        "line 1: is not valid JSON (Expected double-quoted property name in JSON at position 11); each line must hold one complete JSON object (invalid_json)",
        "line 2: holds a list, not a JSON object; write one record object per line (not_an_object)",
        "line 3: holds null, not a JSON object; write one record object per line (not_an_object)",
        "line 4: holds number, not a JSON object; write one record object per line (not_an_object)",
      ]
    `);
  });

  it("skips blank lines without complaint", async () => {
    expect(await problemsOf("", "   ", { ...base, spans: [] })).toEqual([]);
  });

  it("names wrong types and missing fields by path", async () => {
    const record = { id: "r1", prompt: 7, spans: [{ start: 1.5, end: "4", label: "meh" }] };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: prompt: expected a string or a non-empty list of {role, content} messages, got number 7 (invalid_type)",
        "line 1: response: required field is missing; add a string (invalid_type)",
        "line 1: spans[0].start: expected a whole number (a code-point offset), got the fraction 1.5 (invalid_type)",
        "line 1: spans[0].end: expected a whole number (a code-point offset), got the string "4" (invalid_type)",
        "line 1: spans[0].label: expected one of "liked", "disliked", got the string "meh" (invalid_value)",
      ]
    `);
  });

  it("points into chat prompts", async () => {
    const record = { ...base, prompt: [{ role: "bot", content: "hi" }], spans: [] };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: prompt[0].role: expected one of "system", "user", "assistant", "tool", got the string "bot" (invalid_value)",
      ]
    `);
  });

  it("asks for an object, in JSON's words, when metadata is not one", async () => {
    const record = { ...base, spans: [], metadata: [1] };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: metadata: expected an object, got a list ([1]) (invalid_type)",
      ]
    `);
  });

  it("lists unknown fields with the allowed ones", async () => {
    const record = { ...base, score: 3, spans: [{ start: 0, end: 1, label: "liked", note: "x" }] };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: spans[0].note: unknown field "note"; allowed fields here are start, end, label, comment, suggestion, text; put free data under "metadata" (unknown_field)",
        "line 1: score: unknown field "score"; allowed fields here are id, prompt, response, spans, annotator, created_at, updated_at, metadata; put free data under "metadata" (unknown_field)",
      ]
    `);
  });

  it("says 1 code point, not 1 code points, for a one-character response", async () => {
    const record = { ...base, response: "x", spans: [{ start: 0, end: 2, label: "liked" }] };
    expect((await problemsOf(record))[0]).toContain("which has 1 code point;");
  });

  it("reports offsets past the end, with a hint when they look like UTF-16 indices", async () => {
    const record = {
      ...base,
      response: "ok 👍👍",
      spans: [{ start: 3, end: 7, label: "disliked", comment: "too many" }],
    };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: spans[0].end: 7 is past the end of the response, which has 5 code points (it is 7 UTF-16 units long: offsets taken from JavaScript string indices must be converted to code points); offsets count Unicode code points and are end-exclusive, as Python slices (offset_out_of_range)",
      ]
    `);
  });

  it("reports inverted spans", async () => {
    const record = { ...base, spans: [{ start: 9, end: 2, label: "liked" }] };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: spans[0]: start 9 is after end 2; swap them (end is exclusive, so a span of one character is [i, i+1]) (inverted_span)",
      ]
    `);
  });

  it("reports span text that is not the slice", async () => {
    const record = {
      ...base,
      response: "漢字 🎉 party",
      spans: [
        { start: 0, end: 2, label: "liked", text: "漢字" },
        { start: 5, end: 10, label: "liked", text: " part" },
        { start: 5, end: 10, label: "liked", text: "pizza" },
      ],
    };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: spans[1].text: is " part" but response[5:10] is "party"; the offsets match if read as UTF-16 units (JavaScript string indices): convert them to code points (text_mismatch)",
        "line 1: spans[2].text: is "pizza" but response[5:10] is "party"; fix the offsets or the text (text_mismatch)",
      ]
    `);
  });

  it("reports offsets that split a CRLF", async () => {
    const record = {
      ...base,
      response: "line one\r\nline two",
      spans: [{ start: 9, end: 18, label: "disliked", suggestion: "" }],
    };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: spans[0].start: 9 falls between the \\r and \\n of a CRLF line break; move it to 8 (before the \\r) or 10 (after the \\n) (splits_crlf)",
      ]
    `);
  });

  it("reports lone surrogates left by a split surrogate pair", async () => {
    const record = {
      ...base,
      response: "smile \ud83d here",
      spans: [{ start: 0, end: 5, label: "disliked", suggestion: "grin \ude00" }],
    };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: response: contains a lone surrogate U+D83D at code point 6; the text was cut inside an emoji or another character outside the BMP: re-export it from its source (lone_surrogate)",
        "line 1: spans[0].suggestion: contains a lone surrogate U+DE00 at code point 5; write the whole character (both halves of the surrogate pair) (lone_surrogate)",
      ]
    `);
  });

  it("reports overlapping disliked spans, including two insertions at one point", async () => {
    const record = {
      ...base,
      spans: [
        { start: 0, end: 8, label: "disliked", comment: "a" },
        { start: 6, end: 12, label: "disliked", comment: "b" },
        { start: 13, end: 13, label: "disliked", suggestion: "dear " },
        { start: 13, end: 13, label: "disliked", suggestion: "old " },
        { start: 12, end: 13, label: "disliked", suggestion: "" },
      ],
    };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: spans[1]: disliked [6, 12) overlaps disliked spans[0] [0, 8); disliked spans are rewritten one at a time, so merge them into one span or shorten one (overlapping_spans)",
        "line 1: spans[3]: disliked [13, 13) overlaps disliked spans[2] [13, 13); disliked spans are rewritten one at a time, so merge them into one span or shorten one (overlapping_spans)",
      ]
    `);
  });

  it("requires a comment or a suggestion on a disliked span", async () => {
    const record = { ...base, spans: [{ start: 0, end: 5, label: "disliked", comment: "  " }] };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: spans[0]: a disliked span needs a comment saying what is wrong or a suggestion with the replacement text (an empty suggestion "" deletes the span) (missing_comment_and_suggestion)",
      ]
    `);
  });

  it("warns about a disliked span reaching into a liked one and a suggestion on a liked one", async () => {
    const record = {
      ...base,
      spans: [
        { start: 0, end: 12, label: "liked", suggestion: "Hi" },
        { start: 6, end: 11, label: "disliked", suggestion: "you" },
      ],
    };
    expect(await problemsOf(record)).toMatchInlineSnapshot(`
      [
        "line 1: warning: spans[0].suggestion: is ignored because the span is liked; remove it or label the span disliked (suggestion_on_liked)",
        "line 1: warning: spans[1]: disliked [6, 11) reaches into liked spans[0] [0, 12); rewriting it would change liked text, so a chain stops before this span: shrink one of the two (liked_overlaps_disliked)",
      ]
    `);
  });

  it("reports duplicate ids on the later line, even after a bad first record", async () => {
    const good = { ...base, spans: [] };
    expect(await problemsOf({ ...good, response: 5 }, good, good)).toMatchInlineSnapshot(`
      [
        "line 1: response: expected a string, got number 5 (invalid_type)",
        "line 2: id: "r1" was already used on line 1; give every record its own id (duplicate_id)",
        "line 3: id: "r1" was already used on line 1; give every record its own id (duplicate_id)",
      ]
    `);
  });
});

describe("readFeedback", () => {
  const lines = [
    JSON.stringify({ ...base, id: "a", spans: [] }),
    "garbage",
    JSON.stringify({ ...base, id: "b", spans: [{ start: 0, end: 99, label: "liked" }] }),
    JSON.stringify({ ...base, id: "c", spans: [] }),
  ].map((text, i) => ({ line: i + 1, text }));

  it("keeps every good record and counts the skipped ones", async () => {
    const report = emptyReport();
    const ids: string[] = [];
    for await (const r of readFeedback(lines, { report })) ids.push(r.id);
    expect(ids).toEqual(["a", "c"]);
    expect(report).toEqual({ lines: 4, valid: 2, skipped: 2, errors: 2, warnings: 0 });
  });

  it("stops at the first bad record when strict", async () => {
    const ids: string[] = [];
    const run = async () => {
      for await (const r of readFeedback(lines, { strict: true, file: "f.jsonl" })) ids.push(r.id);
    };
    await expect(run()).rejects.toThrow(InvalidFeedbackError);
    expect(ids).toEqual(["a"]);
  });
});

describe("validateFeedbackLines on arbitrary input", () => {
  // records with the right keys but values of any shape, plus any JSON and any text
  const field = fc.oneof(fc.jsonValue(), fc.string(), fc.integer({ min: -3, max: 30 }));
  const spanLike = fc.record(
    { start: field, end: field, label: fc.constantFrom("liked", "disliked", "x"), text: field },
    { requiredKeys: [] },
  );
  const recordLike = fc.record(
    {
      id: fc.oneof(fc.constantFrom("a", "b"), field),
      prompt: field,
      response: field,
      spans: fc.array(spanLike),
    },
    { requiredKeys: [] },
  );
  const line = fc.oneof(
    recordLike.map((r) => JSON.stringify(r)),
    fc.jsonValue().map((v) => JSON.stringify(v) ?? "null"),
    fc.string(),
  );

  it("never throws, and returns either a record or at least one error per line", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 8 }), async (texts) => {
        const lines = texts.map((text, i) => ({ line: i + 1, text }));
        for await (const r of validateFeedbackLines(lines)) {
          expect(r.record !== undefined || r.problems.some((p) => p.severity === "error")).toBe(
            true,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
