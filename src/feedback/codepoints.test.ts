// Tests of the code-point helpers against JavaScript's own code-point iteration.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  codePointIndex,
  codePointLength,
  codePointOffset,
  sliceCodePoints,
  utf16Offset,
} from "./codepoints.js";

const text = fc
  .array(fc.constantFrom("a", "é", "e\u0301", "漢", "😀", "👍🏽", "\r\n", "\ud83d"), {
    maxLength: 20,
  })
  .map((parts) => parts.join(""));

describe("code points", () => {
  it("count and slice the way Python does", () => {
    expect(codePointLength("a👍🏽b")).toBe(4);
    expect(sliceCodePoints("a👍🏽b", 1, 3)).toBe("👍🏽");
    expect(codePointOffset("a👍🏽b", 5)).toBe(3);
  });

  it("agree between the index, the table-free helpers and Array.from", () => {
    fc.assert(
      fc.property(text, (s) => {
        const points = Array.from(s);
        const index = codePointIndex(s);
        expect(index.length).toBe(points.length);
        for (let cp = 0; cp <= points.length; cp++) {
          const u = points.slice(0, cp).join("").length;
          expect(index.utf16(cp)).toBe(u);
          expect(utf16Offset(s, cp)).toBe(u);
          expect(codePointOffset(s, u)).toBe(cp);
        }
      }),
      { numRuns: 300 },
    );
  });
});
