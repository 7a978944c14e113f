import { describe, expect, it } from "vitest";
import { confidenceInterval, formatInterval, mean, sampleSd, tQuantile975 } from "./stats.js";

describe("confidenceInterval", () => {
  it("matches a hand-computed t-interval for three seeds", () => {
    const i = confidenceInterval([0.2, 0.3, 0.4]);
    expect(i.mean).toBeCloseTo(0.3, 12);
    expect(i.sd).toBeCloseTo(0.1, 12);
    expect(i.half).toBeCloseTo((4.303 * 0.1) / Math.sqrt(3), 6);
    expect(i.low).toBeCloseTo(0.3 - i.half, 12);
    expect(formatInterval(i)).toBe("0.300 ± 0.248");
  });

  it("has no interval for a single value and drops non-finite values", () => {
    const i = confidenceInterval([0.5, Number.NaN]);
    expect(i.n).toBe(1);
    expect(Number.isNaN(i.half)).toBe(true);
    expect(formatInterval(i)).toBe("0.500");
    expect(formatInterval(confidenceInterval([]))).toBe("n/a");
  });
});

describe("tQuantile975", () => {
  it("tends to the normal quantile and stays close past the table", () => {
    expect(tQuantile975(30)).toBeCloseTo(2.042, 3);
    expect(tQuantile975(31)).toBeCloseTo(2.0395, 3);
    expect(tQuantile975(120)).toBeCloseTo(1.9799, 3);
    expect(tQuantile975(1e6)).toBeCloseTo(1.96, 3);
    expect(() => tQuantile975(0)).toThrow(/df must be at least 1/);
  });

  it("agrees with mean and sampleSd on simple data", () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138, 3);
  });
});
