// Display segments: cuts at span boundaries, nesting order, code blocks, non-BMP text.
import { describe, expect, it } from "vitest";
import { buildSegments, codeBlockRanges } from "./segments.js";

describe("buildSegments", () => {
  it("cuts nested and touching spans into runs with their covering spans", () => {
    const text = "ab😀cdef";
    const spans = [
      { start: 1, end: 5 },
      { start: 2, end: 3 },
      { start: 5, end: 7 },
    ];
    const segments = buildSegments(text, spans);
    expect(segments.map((s) => [s.text, s.covers, s.opens, s.closes])).toEqual([
      ["a", [], [], []],
      ["b", [0], [0], []],
      ["😀", [0, 1], [1], [1]],
      ["cd", [0], [], [0]],
      ["ef", [2], [2], [2]],
    ]);
    expect(segments.map((s) => s.text).join("")).toBe(text);
  });

  it("marks fenced code blocks and keeps line breaks as written", () => {
    const text = "Run:\n```js\nx = 1\n```\ndone";
    const segments = buildSegments(text, []);
    expect(segments.filter((s) => s.code).map((s) => s.text)).toEqual(["```js\nx = 1\n```\n"]);
    expect(segments.map((s) => s.text).join("")).toBe(text);
  });
});

describe("codeBlockRanges", () => {
  it("runs an unclosed fence to the end", () => {
    expect(codeBlockRanges(Array.from("a\n```\nb"))).toEqual([[2, 7]]);
  });
});
