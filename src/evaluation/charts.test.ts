import { describe, expect, it } from "vitest";
import { niceTicks, renderBarChart, renderLineChart } from "./charts.js";

describe("renderLineChart", () => {
  it("draws one path, one band and one legend entry per series", () => {
    const svg = renderLineChart({
      title: "error rate",
      xLabel: "step",
      yLabel: "rate",
      series: [
        {
          name: "chain",
          points: [
            { x: 0, y: 0.3, low: 0.25, high: 0.35 },
            { x: 10, y: 0.2, low: 0.15, high: 0.25 },
          ],
        },
        {
          name: "a<b",
          points: [
            { x: 0, y: 0.3 },
            { x: 10, y: 0.28 },
          ],
        },
      ],
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(svg.match(/<path d="M[\d.]+,[\d.]+L/g)).toHaveLength(2);
    expect(svg.match(/<polygon/g)).toHaveLength(1);
    expect(svg).toContain("a&lt;b");
    expect(svg).not.toContain("NaN");
  });

  it("puts a lower value lower on the page", () => {
    const svg = renderLineChart({
      title: "t",
      xLabel: "x",
      yLabel: "y",
      series: [
        {
          name: "s",
          points: [
            { x: 0, y: 1 },
            { x: 1, y: 0 },
          ],
        },
      ],
    });
    const cys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(cys[1]).toBeGreaterThan(cys[0]);
  });
});

describe("renderBarChart", () => {
  it("draws a bar and an error bar per finite value", () => {
    const svg = renderBarChart({
      title: "accuracy",
      yLabel: "acc",
      groups: [
        {
          category: "chain pairs",
          bars: [
            { series: "chain", value: 0.8, low: 0.7, high: 0.9 },
            { series: "ab", value: 0.6 },
          ],
        },
        {
          category: "ab pairs",
          bars: [
            { series: "chain", value: Number.NaN },
            { series: "ab", value: 0.7, low: 0.6, high: 0.8 },
          ],
        },
      ],
    });
    expect(svg.match(/<rect x=[^>]*><title>/g)).toHaveLength(3);
    expect(svg.match(/stroke="#333" stroke-width="1.2"/g)).toHaveLength(2);
    expect(svg).not.toContain("NaN");
  });
});

describe("niceTicks", () => {
  it("gives round steps inside the range", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 120, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(2, 2, 5)).toEqual([2]);
  });
});
