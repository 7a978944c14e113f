// Finite-difference gradient checks (float64, cpu backend) of every preference loss through a
// tiny model, and the equality of chain-aware and naive batching.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { np, setEngineDevice, tree, valueAndGrad } from "../engine/index.js";
import { modelConfigFromSpec } from "../model/config.js";
import { createRng, initHostParams, type Params, uploadParams } from "../model/params.js";
import { buildPairBatch, tokenizePairs } from "./batching.js";
import { chainPairs, toyTokenizer } from "./fixtures.test-util.js";
import { type LossType, lossTypes, preferenceLoss } from "./losses.js";
import { type LossSettings, preferenceObjective, uploadBatch } from "./step.js";

beforeAll(() => setEngineDevice("cpu"));
afterAll(() => setEngineDevice("wasm"));

const config = modelConfigFromSpec({
  arch: "llama",
  vocabSize: 20,
  hidden: 16,
  layers: 1,
  heads: 2,
  intermediate: 24,
});
const host = initHostParams(config, 5, 0.2);
const tokenizer = toyTokenizer();
const pairs = tokenizePairs(chainPairs(2, 3), tokenizer, { mask: "edit", maxLength: 64 });
const refC = pairs.map((_, i) => -20 - i);
const refR = pairs.map((_, i) => -21 + 0.5 * i);

function objective(s: LossSettings, params: Params, chainAware: boolean) {
  const b = buildPairBatch(pairs, { chainAware, padId: 0 });
  const batch = uploadBatch(b, refC, refR, 1 / pairs.length, np.float64);
  return preferenceObjective(config, s, params, batch);
}

const variants: [string, LossSettings][] = [
  ...lossTypes.map((type): [string, LossSettings] => [
    type,
    { type, beta: 0.5, labelSmoothing: 0, rpoAlpha: 0 },
  ]),
  [
    "sigmoid + label smoothing + RPO",
    { type: "sigmoid", beta: 0.3, labelSmoothing: 0.1, rpoAlpha: 0.5 },
  ],
];

describe.each(variants)("the %s loss", (_name, settings) => {
  it("has gradients that match central finite differences in float64", async () => {
    const params = uploadParams(host, np.float64);
    const [[loss, aux], grads] = valueAndGrad((p: Params) => objective(settings, p, true), {
      hasAux: true,
    })(tree.ref(params));
    tree.dispose(aux);
    const value = (await loss.data())[0];
    expect(Number.isFinite(value)).toBe(true);

    // directional derivative along a random direction over every parameter
    const rng = createRng(9);
    const dir: Record<string, Float64Array> = {};
    let analytic = 0;
    for (const [k, g] of Object.entries(grads as Params)) {
      const gd = (await g.data()) as Float64Array;
      dir[k] = Float64Array.from(gd, () => rng() - 0.5);
      for (let i = 0; i < gd.length; i++) analytic += gd[i] * dir[k][i];
    }
    const eps = 1e-5;
    const shifted = async (sign: number) => {
      const h = Object.fromEntries(
        Object.entries(host).map(([k, t]) => [
          k,
          { shape: t.shape, data: Float64Array.from(t.data, (x, i) => x + sign * eps * dir[k][i]) },
        ]),
      );
      const [l, a] = objective(settings, uploadParams(h, np.float64), true);
      tree.dispose(a);
      return (await l.data())[0];
    };
    const numeric = ((await shifted(1)) - (await shifted(-1))) / (2 * eps);
    expect(Math.abs(analytic - numeric)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
    tree.dispose(params);
  });
});

describe("preferenceLoss values", () => {
  // policy chosen/rejected, reference chosen/rejected; r_w = 1, r_l = -0.5, h = 1.5
  const logps = [-9, -10.5, -10, -10];
  const beta = 0.4;
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const expected: Record<LossType, number> = {
    sigmoid: -Math.log(sig(beta * 1.5)),
    ipo: (1.5 - 1 / (2 * beta)) ** 2,
    hinge: Math.max(0, 1 - beta * 1.5),
    apo_zero: 1 - sig(beta * 1) + sig(beta * -0.5),
    apo_down: sig(beta * 1) + 1 - sig(beta * 1.5),
  };
  it.each(lossTypes)("%s matches its formula", async (type) => {
    const a = (x: number) => np.array([x], { dtype: np.float64 });
    const loss = preferenceLoss(
      {
        policyChosen: a(logps[0]),
        policyRejected: a(logps[1]),
        refChosen: a(logps[2]),
        refRejected: a(logps[3]),
      },
      { type, beta },
    );
    expect((await loss.data())[0]).toBeCloseTo(expected[type], 10);
  });
});

describe("chain-aware batching", () => {
  it("computes fewer sequences and gives the naive loss and gradients", async () => {
    const settings: LossSettings = { type: "sigmoid", beta: 0.5, labelSmoothing: 0, rpoAlpha: 0.2 };
    const aware = buildPairBatch(pairs, { chainAware: true, padId: 0 });
    const naive = buildPairBatch(pairs, { chainAware: false, padId: 0 });
    // 2 chains of 3 drafts: 6 distinct sequences against 8 rows
    expect(aware.sequences).toBe(6);
    expect(naive.sequences).toBe(8);
    const params = uploadParams(host, np.float64);
    const run = (aware: boolean) =>
      valueAndGrad((p: Params) => objective(settings, p, aware), { hasAux: true })(
        tree.ref(params),
      );
    const [[la, auxA], ga] = run(true);
    const [[ln, auxN], gn] = run(false);
    tree.dispose([auxA, auxN]);
    expect(Math.abs((await la.data())[0] - (await ln.data())[0])).toBeLessThan(1e-5);
    for (const k of Object.keys(ga as Params)) {
      const a = (await (ga as Params)[k].data()) as Float64Array;
      const n = (await (gn as Params)[k].data()) as Float64Array;
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - n[i])).toBeLessThan(1e-5);
    }
    tree.dispose(params);
  });
});
