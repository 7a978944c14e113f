// Pair tokenization, edit masks, batch planning and the learning-rate schedule.
import { describe, expect, it } from "vitest";
import { buildPairBatch, planBatches, tokenizePairs } from "./batching.js";
import { chainPairs, toyTokenizer } from "./fixtures.test-util.js";
import { learningRate } from "./optimizer.js";

const tokenizer = toyTokenizer();

describe("tokenizePairs", () => {
  it("starts the edit mask at the first token of the edited range, same on both sides", () => {
    const pair = {
      id: "p",
      prompt: "the cat",
      chosen: "the cat sat on a big mat .",
      rejected: "the cat sat on a small red rug .",
      strategy: "chain" as const,
      source_id: "s",
      chosen_range: [17, 20] as [number, number],
      rejected_range: [17, 30] as [number, number],
    };
    const [edit] = tokenizePairs([pair], tokenizer, { mask: "edit", maxLength: 64 });
    const [whole] = tokenizePairs([pair], tokenizer, { mask: "completion", maxLength: 64 });
    // "the cat sat on a" is five shared tokens
    expect(edit.chosenStart).toBe(5);
    expect(edit.rejectedStart).toBe(5);
    expect(whole.chosenStart).toBe(0);
    expect(edit.chosen.at(-1)).toBe(tokenizer.eosTokenId);
  });

  it("masks only counted completion tokens, shifted by one for next-token targets", () => {
    const pairs = tokenizePairs(chainPairs(1, 2), tokenizer, { mask: "edit", maxLength: 64 });
    const b = buildPairBatch(pairs, { chainAware: true, padId: 0 });
    const p = pairs[0];
    const counted = Array.from(b.maskChosen.subarray(0, b.T)).reduce((a, x) => a + x, 0);
    expect(counted).toBe(p.chosen.length - p.chosenStart);
    const first = b.maskChosen.indexOf(1);
    expect(first).toBe(p.prompt.length - 1 + p.chosenStart);
    expect(b.targets[first]).toBe(p.chosen[p.chosenStart]);
  });

  it("refuses a pair whose prompt has no tokens, since its first answer token has no position", () => {
    const [pair] = chainPairs(1, 2);
    expect(() =>
      tokenizePairs([{ ...pair, prompt: "" }], tokenizer, { mask: "completion", maxLength: 64 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[Error: pair c0:chain:0-1 has an empty prompt; a preference pair needs a prompt token to predict the answer from]`,
    );
  });
});

describe("planBatches", () => {
  it("keeps each chain's pairs in one batch and repeats its order for a seed", () => {
    const pairs = tokenizePairs(chainPairs(5, 3), tokenizer, { mask: "completion", maxLength: 64 });
    const plan = planBatches(pairs, 4, 1);
    for (const batch of plan) {
      const chains = new Set(batch.map((i) => pairs[i].sourceId));
      expect(batch.length).toBe(chains.size * 2);
    }
    expect(plan.flat().sort((a, b) => a - b)).toEqual(pairs.map((_, i) => i));
    expect(planBatches(pairs, 4, 1)).toEqual(plan);
    expect(planBatches(pairs, 4, 2)).not.toEqual(plan);
  });
});

describe("learningRate", () => {
  it("warms up linearly, then decays on a cosine to the floor", () => {
    expect(learningRate(0, 1, 4, 20)).toBeCloseTo(0.25);
    expect(learningRate(3, 1, 4, 20)).toBeCloseTo(1);
    expect(learningRate(4, 1, 4, 20)).toBeCloseTo(1);
    expect(learningRate(12, 1, 4, 20)).toBeCloseTo(0.1 + 0.9 * 0.5);
    expect(learningRate(20, 1, 4, 20)).toBeCloseTo(0.1);
  });
});
