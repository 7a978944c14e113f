// Tests of chain building: edits left to right, exact remapping, stops and rejections, and
// property tests over random responses (astral characters included) and random spans.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sliceCodePoints, spliceCodePoints } from "../feedback/codepoints.js";
import { editsOverlap, touchesLiked } from "../feedback/rules.js";
import type { FeedbackRecord, Span } from "../feedback/schema.js";
import { buildChain, remapRange } from "./build.js";
import { checkLocality } from "./locality.js";
import { createReviser } from "./revisers.js";
import { createSuggestionReviser } from "./suggestion-reviser.js";
import type { Reviser } from "./types.js";

const suggestion = createSuggestionReviser();

function record(response: string, spans: Span[]): FeedbackRecord {
  return { id: "r", prompt: "p", response, spans };
}

describe("remapRange", () => {
  it("keeps ranges before the edit and shifts ranges after it", () => {
    expect(remapRange([0, 3], [5, 8], 1)).toEqual([0, 3]);
    expect(remapRange([8, 10], [5, 8], 1)).toEqual([6, 8]);
    expect(remapRange([8, 10], [5, 8], 7)).toEqual([12, 14]);
  });

  it("treats an insertion as before a span that starts at the insertion point", () => {
    expect(remapRange([5, 9], [5, 5], 3)).toEqual([8, 12]);
    expect(remapRange([2, 5], [5, 5], 3)).toEqual([2, 5]);
  });

  it("stretches a range that contains the edit", () => {
    expect(remapRange([0, 10], [4, 6], 5)).toEqual([0, 13]);
    expect(remapRange([5, 5], [4, 6], 1)).toEqual([4, 4]);
  });
});

describe("buildChain", () => {
  it("rewrites disliked spans left to right whatever their order in the record", async () => {
    const text = "Teh cat sat on teh mat.";
    const chain = await buildChain(
      record(text, [
        { start: 15, end: 18, label: "disliked", suggestion: "the" },
        { start: 0, end: 3, label: "disliked", suggestion: "The" },
      ]),
      suggestion,
    );
    expect(chain.status).toBe("complete");
    expect(chain.steps.map((s) => s.text)).toEqual([
      "Teh cat sat on teh mat.",
      "The cat sat on teh mat.",
      "The cat sat on the mat.",
    ]);
    expect(chain.steps.map((s) => s.edit?.span_index)).toEqual([undefined, 1, 0]);
  });

  it("keeps offsets valid after an earlier span grows", async () => {
    const text = "I 👍 it. Great 漢字 work.";
    const chain = await buildChain(
      record(text, [
        { start: 2, end: 3, label: "disliked", suggestion: "really like" },
        { start: 8, end: 13, label: "liked" },
        { start: 14, end: 16, label: "disliked", comment: "use English", suggestion: "kanji" },
      ]),
      suggestion,
    );
    const [, first, last] = chain.steps;
    const liked = first.spans.find((s) => s.span_index === 1)!;
    expect(sliceCodePoints(first.text, liked.start, liked.end)).toBe("Great");
    const next = first.spans.find((s) => s.span_index === 2)!;
    expect(sliceCodePoints(first.text, next.start, next.end)).toBe("漢字");
    expect(last.text).toBe("I really like it. Great kanji work.");
    expect(last.edit).toEqual({
      span_index: 2,
      comment: "use English",
      before: "漢字",
      after: "kanji",
      range_before: [24, 26],
      range_after: [24, 29],
      reviser: "suggestion",
    });
  });

  it("deletes with an empty suggestion and inserts at an empty span", async () => {
    const chain = await buildChain(
      record("Very very good.", [
        { start: 0, end: 5, label: "disliked", suggestion: "" },
        { start: 14, end: 14, label: "disliked", suggestion: " indeed" },
      ]),
      suggestion,
    );
    expect(chain.steps.at(-1)?.text).toBe("very good indeed.");
    expect(chain.steps[1].edit?.range_after).toEqual([0, 0]);
    expect(chain.steps[2].edit?.range_before).toEqual([9, 9]);
  });

  it("stops at a disliked span without a suggestion and says why", async () => {
    const chain = await buildChain(
      record("a b c", [
        { start: 0, end: 1, label: "disliked", suggestion: "A" },
        { start: 2, end: 3, label: "disliked", comment: "vague" },
        { start: 4, end: 5, label: "disliked", suggestion: "C" },
      ]),
      suggestion,
    );
    expect(chain.status).toBe("stopped");
    expect(chain.steps.map((s) => s.text)).toEqual(["a b c", "A b c"]);
    expect(chain.stop).toMatchInlineSnapshot(`
      {
        "reason": "spans[1] has no suggestion, so the suggestion reviser cannot rewrite it; add the replacement text to the span or use a model reviser",
        "span_index": 1,
      }
    `);
    expect(chain.rejected).toEqual([chain.stop]);
  });

  it("rejects an edit that would change a liked span, and stops there", async () => {
    const chain = await buildChain(
      record("Good intro, bad end.", [
        { start: 0, end: 10, label: "liked" },
        { start: 5, end: 19, label: "disliked", suggestion: "ending" },
      ]),
      suggestion,
    );
    expect(chain.steps).toHaveLength(1);
    expect(chain.stop?.reason).toMatchInlineSnapshot(
      `"locality check failed: the edit [5, 19) changes liked spans[0] [0, 10), which must stay untouched"`,
    );
  });

  it("records a reviser that throws as a failure", async () => {
    const broken: Reviser = {
      name: "broken",
      revise: async () => {
        throw new Error("server said 503");
      },
    };
    const chain = await buildChain(
      record("x", [{ start: 0, end: 1, label: "disliked", comment: "?" }]),
      broken,
    );
    expect(chain.stop?.reason).toBe("reviser broken failed: server said 503");
  });

  it("gives the reviser the current draft, the liked spans and the spans ahead", async () => {
    const seen: unknown[] = [];
    const spy: Reviser = {
      name: "spy",
      async revise(request) {
        seen.push({
          draft: request.draft,
          span: request.span,
          liked: request.liked,
          ahead: request.ahead,
        });
        return { ok: true, replacement: request.span.text.toUpperCase() };
      },
    };
    await buildChain(
      record("ab cd ef", [
        { start: 0, end: 2, label: "disliked", comment: "caps" },
        { start: 3, end: 5, label: "liked", comment: "nice" },
        { start: 6, end: 8, label: "disliked", comment: "caps" },
      ]),
      spy,
    );
    expect(seen[1]).toEqual({
      draft: "AB cd ef",
      span: { start: 6, end: 8, text: "ef", comment: "caps" },
      liked: [{ start: 3, end: 5, text: "cd", comment: "nice" }],
      ahead: [],
    });
    expect((seen[0] as { ahead: unknown }).ahead).toEqual([
      { start: 6, end: 8, text: "ef", comment: "caps" },
    ]);
  });
});

describe("createReviser", () => {
  it("builds the suggestion reviser and names the known ones for an unknown name", async () => {
    expect((await createReviser("suggestion")).name).toBe("suggestion");
    await expect(createReviser("gpt-9")).rejects.toThrow(
      /^createReviser: unknown reviser "gpt-9"; choose one of: suggestion/,
    );
  });
});

describe("checkLocality", () => {
  it("notices a change outside the edited range", () => {
    const reason = checkLocality({
      previous: "one two three",
      next: "one 2 three!",
      range_before: [4, 7],
      range_after: [4, 5],
      liked: [],
    });
    expect(reason).toMatchInlineSnapshot(
      `"edited ranges [4, 7) and [4, 5) do not leave the same text before and after them"`,
    );
  });

  it("notices a changed prefix", () => {
    const reason = checkLocality({
      previous: "one two",
      next: "One 2wo",
      range_before: [4, 5],
      range_after: [4, 5],
      liked: [],
    });
    expect(reason).toBe("the drafts differ before the edited range, which starts at 4");
  });
});

// random responses mixing ASCII, CJK, combining marks, emoji and line breaks
const char = fc.constantFrom("a", "b", " ", "\n", "é", "e\u0301", "漢", "字", "😀", "👍🏽", "𝔘");
const text = fc.array(char, { maxLength: 40 }).map((cs) => cs.join(""));

// disjoint disliked spans (insertions included) with random replacements
const recordArb = text.chain((response) => {
  const n = [...response].length;
  return fc
    .array(
      fc.tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n }), text, fc.boolean()),
      { maxLength: 8 },
    )
    .map((raw) => {
      const spans: Span[] = [];
      for (const [x, y, suggestion, liked] of raw) {
        const [start, end] = [Math.min(x, y), Math.max(x, y)];
        const span: Span = liked
          ? { start, end, label: "liked" }
          : { start, end, label: "disliked", suggestion };

        // the validator's rules: disliked edits are disjoint (insertions may touch other spans'
        // edges), and none reaches into a liked span
        const ok = spans.every((s) => {
          if (s.label === "disliked" && span.label === "disliked") return !editsOverlap(s, span);
          if (s.label === "liked" && span.label === "liked") return true;
          const [d, l] = s.label === "disliked" ? [s, span] : [span, s];
          return !touchesLiked(d, l);
        });
        if (ok) spans.push(span);
      }
      return record(response, spans);
    });
});

describe("buildChain properties", () => {
  it("ends with every suggestion applied at once", async () => {
    await fc.assert(
      fc.asyncProperty(recordArb, async (r) => {
        const chain = await buildChain(r, suggestion);
        const disliked = r.spans.filter((s) => s.label === "disliked");
        expect(chain.status).toBe("complete");
        expect(chain.steps).toHaveLength(disliked.length + 1);

        // apply right to left so earlier offsets stay valid
        const byStart = disliked.sort((a, b) => b.start - a.start || b.end - a.end);
        let expected = r.response;
        for (const s of byStart)
          expected = spliceCodePoints(expected, s.start, s.end, s.suggestion!);
        expect(chain.steps.at(-1)!.text).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("changes adjacent drafts only inside the edited range, keeping liked spans intact", async () => {
    await fc.assert(
      fc.asyncProperty(recordArb, async (r) => {
        const chain = await buildChain(r, suggestion);
        for (let k = 1; k < chain.steps.length; k++) {
          const prev = chain.steps[k - 1];
          const step = chain.steps[k];
          const edit = step.edit!;
          expect(
            checkLocality({
              previous: prev.text,
              next: step.text,
              range_before: edit.range_before,
              range_after: edit.range_after,
              liked: [],
            }),
          ).toBeUndefined();
          expect(sliceCodePoints(prev.text, ...edit.range_before)).toBe(edit.before);
          expect(sliceCodePoints(step.text, ...edit.range_after)).toBe(edit.after);
          expect(edit.before).toBe(
            sliceCodePoints(
              r.response,
              r.spans[edit.span_index].start,
              r.spans[edit.span_index].end,
            ),
          );

          // every span still ahead, liked ones included, reads its original text at its new place
          const liked = r.spans.filter((s) => s.label === "liked").length;
          expect(step.spans.filter((s) => s.label === "liked")).toHaveLength(liked);
          for (const s of step.spans) {
            const original = r.spans[s.span_index];
            expect(sliceCodePoints(step.text, s.start, s.end)).toBe(
              sliceCodePoints(r.response, original.start, original.end),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
