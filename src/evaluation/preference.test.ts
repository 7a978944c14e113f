import { describe, expect, it } from "vitest";
import { implicitReward, preferenceMetrics } from "./preference.js";

describe("preferenceMetrics", () => {
  it("ranks pairs by the implicit reward, not by the raw policy log-probability", () => {
    // the policy likes `chosen` less in absolute terms but moved it up relative to the reference
    const m = preferenceMetrics(
      [{ policyChosen: -10, policyRejected: -5, refChosen: -12, refRejected: -4 }],
      0.1,
    );
    expect(m.accuracy).toBe(1);
    expect(m.margin).toBeCloseTo(0.1 * (2 - -1), 12);
    expect(m.chosenReward).toBeCloseTo(implicitReward(0.1, -10, -12), 12);
  });

  it("scores the reference model itself at one half (all ties)", () => {
    const pairs = [
      { policyChosen: -3, policyRejected: -4, refChosen: -3, refRejected: -4 },
      { policyChosen: -8, policyRejected: -2, refChosen: -8, refRejected: -2 },
    ];
    const m = preferenceMetrics(pairs, 0.5);
    expect(m.accuracy).toBe(0.5);
    expect(m.margin).toBe(0);
  });

  it("averages over pairs and returns NaN for none", () => {
    const m = preferenceMetrics(
      [
        { policyChosen: -1, policyRejected: -2, refChosen: -1, refRejected: -1 },
        { policyChosen: -2, policyRejected: -1, refChosen: -1, refRejected: -1 },
      ],
      1,
    );
    expect(m.accuracy).toBe(0.5);
    expect(m.margin).toBeCloseTo(0, 12);
    expect(Number.isNaN(preferenceMetrics([], 1).accuracy)).toBe(true);
  });
});
