// Progress and agreement figures, checked by hand on tiny projects.
import { describe, expect, it } from "vitest";
import type { Span } from "../feedback/schema.js";
import { computeQuality, labelMask } from "./quality.js";

const liked = (start: number, end: number): Span => ({ start, end, label: "liked" });
const disliked = (start: number, end: number): Span => ({ start, end, label: "disliked" });

function annotation(item: string, annotator: string, spans: Span[], submitted = true) {
  return { item_id: item, annotator, spans, submitted, updated_at: "2026-01-01T00:00:00Z" };
}

describe("computeQuality", () => {
  it("counts progress for everyone assigned, including those who have not started", () => {
    const report = computeQuality({
      items: 3,
      annotators: ["ann", "cy"],
      annotations: [
        annotation("i1", "ann", [liked(0, 2), disliked(3, 4)]),
        annotation("i2", "ann", [], false),
      ],
    });
    expect(report.progress).toEqual([
      {
        annotator: "ann",
        items: 3,
        started: 2,
        done: 1,
        liked: 1,
        disliked: 1,
        last_active: "2026-01-01T00:00:00Z",
      },
      { annotator: "cy", items: 3, started: 0, done: 0, liked: 0, disliked: 0, last_active: null },
    ]);
    expect(report.pairs).toEqual([]);
  });

  it("micro-averages span F1 and label agreement over shared done items", () => {
    const report = computeQuality({
      items: 2,
      annotators: ["a", "b"],
      annotations: [
        // item 1: a marks 0-9 liked, b marks 5-14 liked: overlap 5 of 10 + 10
        annotation("i1", "a", [liked(0, 10)]),
        annotation("i1", "b", [liked(5, 15)]),
        // item 2: same 4 code points, labels differ on 2 of them
        annotation("i2", "a", [disliked(0, 4)]),
        annotation("i2", "b", [disliked(0, 2), liked(2, 4)]),
        // not done by b: ignored for agreement
        annotation("i3", "a", [liked(0, 3)]),
        annotation("i3", "b", [liked(0, 3)], false),
      ],
    });
    // F1 = 2·(5 + 4) / (10 + 4 + 10 + 4) = 18 / 28; labels agree on 5 + 2 of 9
    expect(report.pairs).toHaveLength(1);
    expect(report.pairs[0].shared_items).toBe(2);
    expect(report.pairs[0].span_f1).toBeCloseTo(18 / 28, 12);
    expect(report.pairs[0].label_agreement).toBeCloseTo(7 / 9, 12);
    expect(report.annotators.map((a) => a.annotator)).toEqual(["a", "b"]);
    expect(report.annotators[0].span_f1).toBeCloseTo(18 / 28, 12);
  });

  it("gives null figures when nothing was marked by either", () => {
    const report = computeQuality({
      items: 1,
      annotators: [],
      annotations: [annotation("i1", "a", []), annotation("i1", "b", [])],
    });
    expect(report.pairs).toEqual([
      { a: "a", b: "b", shared_items: 1, span_f1: null, label_agreement: null },
    ]);
  });
});

describe("labelMask", () => {
  it("sets both bits where liked and disliked spans nest", () => {
    expect([...labelMask([liked(0, 4), disliked(1, 2)], 5)]).toEqual([1, 3, 1, 1, 0]);
  });
});
