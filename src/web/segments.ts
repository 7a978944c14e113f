// Splits a response into display segments at every span boundary and code-block fence, so
// nested and touching spans can be drawn as layered highlights. Offsets are code points.
import type { Span } from "../feedback/schema.js";

/** A run of text covered by the same spans. */
export interface Segment {
  /** first code point */
  start: number;
  /** one past the last code point */
  end: number;
  text: string;
  /** indices of the covering spans, outermost first */
  covers: number[];
  /** spans that start at this segment */
  opens: number[];
  /** spans that end with this segment */
  closes: number[];
  /** inside a fenced code block */
  code: boolean;
}

/** Code-point ranges of fenced (```) code blocks, fences included. */
export function codeBlockRanges(codePoints: string[]): [number, number][] {
  const ranges: [number, number][] = [];
  let lineStart = 0;
  let open: number | null = null;
  for (let i = 0; i <= codePoints.length; i++) {
    if (i < codePoints.length && codePoints[i] !== "\n") continue;
    const line = codePoints.slice(lineStart, i).join("");
    if (/^\s*(```|~~~)/.test(line)) {
      if (open === null) open = lineStart;
      else {
        ranges.push([open, Math.min(i + 1, codePoints.length)]);
        open = null;
      }
    }
    lineStart = i + 1;
  }
  if (open !== null) ranges.push([open, codePoints.length]);
  return ranges;
}

/** Orders span indices outermost first: earlier start, then longer. */
export function nestingOrder(spans: Pick<Span, "start" | "end">[]): number[] {
  return spans
    .map((_, i) => i)
    .sort((a, b) => spans[a].start - spans[b].start || spans[b].end - spans[a].end || a - b);
}

/** Cuts `text` into segments at the boundaries of `spans` and of code blocks. */
export function buildSegments(text: string, spans: Pick<Span, "start" | "end">[]): Segment[] {
  const cps = Array.from(text);
  const code = codeBlockRanges(cps);
  const cuts = new Set<number>([0, cps.length]);
  for (const s of spans) {
    cuts.add(Math.min(s.start, cps.length));
    cuts.add(Math.min(s.end, cps.length));
  }
  for (const [a, b] of code) {
    cuts.add(a);
    cuts.add(b);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const order = nestingOrder(spans);

  const segments: Segment[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const start = points[k];
    const end = points[k + 1];
    if (end <= start) continue;
    const covers = order.filter((i) => spans[i].start <= start && spans[i].end >= end);
    segments.push({
      start,
      end,
      text: cps.slice(start, end).join(""),
      covers,
      opens: covers.filter((i) => spans[i].start === start),
      closes: covers.filter((i) => spans[i].end === end),
      code: code.some(([a, b]) => a <= start && end <= b),
    });
  }
  return segments;
}
