// Checks the engine's forward pass against the plain float64 reference for both families.
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine, np, setEngineDevice } from "../engine/index.js";
import { type ModelSpec, modelConfigFromSpec } from "./config.js";
import { initHostParams, uploadParams } from "./params.js";
import { referenceLogits } from "./reference.js";
import { forwardLogits } from "./transformer.js";

beforeAll(() => initEngine());

const specs: [string, ModelSpec][] = [
  ["gpt2", { arch: "gpt2", vocabSize: 37, hidden: 16, layers: 2, heads: 2, maxPositions: 16 }],
  [
    "llama with GQA and qkv bias, untied",
    {
      arch: "llama",
      vocabSize: 41,
      hidden: 16,
      layers: 2,
      heads: 4,
      kvHeads: 2,
      intermediate: 24,
      attentionBias: true,
      tieEmbeddings: false,
      modelType: "qwen2",
    },
  ],
  ["llama tied", { arch: "llama", vocabSize: 29, hidden: 24, layers: 1, heads: 2 }],
];

describe.each(specs)("forward pass of %s", (_name, spec) => {
  it("matches the float64 reference to 1e-9 in float64 (cpu) and 1e-4 in float32 (wasm)", async () => {
    const config = modelConfigFromSpec(spec);
    const host = initHostParams(config, 7, 0.3);
    // non-trivial norms and biases so every parameter matters
    for (const [name, t] of Object.entries(host)) {
      if (!/(norm|ln_\d|ln_f)\.|bias/.test(name)) continue;
      for (let i = 0; i < t.data.length; i++) t.data[i] += 0.1 * Math.sin(i + 1);
    }
    const rows = [
      [1, 5, 3, 9, 2, 7],
      [4, 4, 0, 11, 8, 6],
    ];
    for (const [device, dtype, tol] of [
      ["cpu", np.float64, 1e-9],
      ["wasm", np.float32, 1e-4],
    ] as const) {
      await setEngineDevice(device);
      const params = uploadParams(host, dtype);
      const tokens = np.array(Int32Array.from(rows.flat()), { dtype: np.int32 }).reshape([2, 6]);
      const got = (await forwardLogits(config, params, tokens).data()) as Float64Array;
      rows.forEach((row, b) => {
        const want = referenceLogits(config, host, row);
        const slice = Array.from(got.subarray(b * want.length, (b + 1) * want.length));
        const err = Math.max(...slice.map((g, i) => Math.abs(g - want[i])));
        expect(err).toBeLessThan(tol);
      });
      for (const a of Object.values(params)) a.dispose();
    }
    await setEngineDevice("wasm");
  });
});
