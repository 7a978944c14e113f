// Cached, left-padded batch decoding must pick the same tokens as recomputing the whole
// sequence each step.
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine, np } from "../engine/index.js";
import type { ModelSpec } from "./config.js";
import { generateTokens, pickToken } from "./generate.js";
import { createModel } from "./model.js";
import { createRng } from "./params.js";
import { forwardLogits } from "./transformer.js";

beforeAll(() => initEngine());

async function naiveGreedy(model: ReturnType<typeof createModel>, prompt: number[], n: number) {
  const seq = [...prompt];
  for (let k = 0; k < n; k++) {
    const T = seq.length;
    const x = np.array(Int32Array.from(seq), { dtype: np.int32 }).reshape([1, T]);
    const logits = (await forwardLogits(model.config, model.params, x).data()) as Float32Array;
    seq.push(pickToken(logits.subarray((T - 1) * model.config.vocabSize), 0, 1, Math.random));
  }
  return seq.slice(prompt.length);
}

const specs: [string, ModelSpec][] = [
  ["gpt2", { arch: "gpt2", vocabSize: 48, hidden: 32, layers: 2, heads: 4, maxPositions: 32 }],
  ["llama", { arch: "llama", vocabSize: 48, hidden: 32, layers: 2, heads: 4, kvHeads: 2 }],
];

describe.each(specs)("generation with %s", (_name, spec) => {
  it("matches greedy decoding without a cache, across left padding", async () => {
    const model = createModel(spec, 3, { std: 0.5 });
    const prompts = [
      [1, 2, 3, 4, 5],
      [7, 8],
      [9, 10, 11],
    ];
    const got = await generateTokens(model, prompts, { maxNewTokens: 6, batchSize: 3 });
    for (let i = 0; i < prompts.length; i++) {
      expect(got[i].tokens).toEqual(await naiveGreedy(model, prompts[i], 6));
      expect(got[i].finishReason).toBe("length");
    }
  });
});

describe("pickToken", () => {
  it("samples only from the top-p nucleus", () => {
    const rng = createRng(1);
    const logits = [5, 4.9, -10, -10];
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(pickToken(logits, 1, 0.9, rng));
    expect([...seen].sort()).toEqual([0, 1]);
  });
});
