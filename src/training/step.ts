// The jitted computations of one training step: per-pair sequence log-probs from a batch of
// distinct sequences, the preference loss with its optional NLL term, and the SFT loss.
import { compileOnce, jit, np, valueAndGrad } from "../engine/index.js";
import type { ModelConfig } from "../model/config.js";
import type { Params } from "../model/params.js";
import { tokenLogps } from "../model/transformer.js";
import type { PairBatch } from "./batching.js";
import { type LossType, preferenceLoss } from "./losses.js";

const shapeKey = (c: ModelConfig) => ({ ...c, hf: undefined });

/** A preference batch on the engine. */
export type DeviceBatch = {
  inputs: np.Array; // [U, T] int32
  targets: np.Array; // [U, T] int32
  selChosen: np.Array; // [P, U]
  selRejected: np.Array; // [P, U]
  maskChosen: np.Array; // [P, T]
  maskRejected: np.Array; // [P, T]
  chosenCount: np.Array; // [P]
  /** per-pair weight: 1/(pairs in the optimizer step) for real pairs, 0 for padding */
  weight: np.Array; // [P]
  refChosen: np.Array; // [P]
  refRejected: np.Array; // [P]
};

/** Uploads a host batch with reference log-probs and pair weights. */
export function uploadBatch(
  b: PairBatch,
  refChosen: Float64Array | number[],
  refRejected: Float64Array | number[],
  pairWeight: number,
  dtype: np.DType = np.float32,
): DeviceBatch {
  const f = (a: ArrayLike<number>, shape: number[]) =>
    np
      .array(dtype === np.float64 ? Float64Array.from(a) : Float32Array.from(a), { dtype })
      .reshape(shape);
  const pad = (a: ArrayLike<number>) => {
    const out = new Float64Array(b.P);
    for (let i = 0; i < b.pairs; i++) out[i] = a[i];
    return out;
  };
  const weight = new Float64Array(b.P);
  weight.fill(pairWeight, 0, b.pairs);
  return {
    inputs: np.array(b.inputs, { dtype: np.int32 }).reshape([b.U, b.T]),
    targets: np.array(b.targets, { dtype: np.int32 }).reshape([b.U, b.T]),
    selChosen: f(b.selChosen, [b.P, b.U]),
    selRejected: f(b.selRejected, [b.P, b.U]),
    maskChosen: f(b.maskChosen, [b.P, b.T]),
    maskRejected: f(b.maskRejected, [b.P, b.T]),
    chosenCount: f(b.chosenCount, [b.P]),
    weight: f(weight, [b.P]),
    refChosen: f(pad(refChosen), [b.P]),
    refRejected: f(pad(refRejected), [b.P]),
  };
}

/**
 * Per-pair summed log-probs [P] of chosen and rejected: one forward over the U distinct
 * sequences, then each pair selects its rows and masks its counted tokens. Params borrowed.
 */
export function pairLogps(
  c: ModelConfig,
  params: Params,
  batch: Pick<
    DeviceBatch,
    "inputs" | "targets" | "selChosen" | "selRejected" | "maskChosen" | "maskRejected"
  >,
): { chosen: np.Array; rejected: np.Array } {
  const lp = tokenLogps(c, params, batch.inputs, batch.targets); // [U, T]
  const chosen = np.matmul(batch.selChosen, lp.ref).mul(batch.maskChosen).sum(-1); // [P]
  const rejected = np.matmul(batch.selRejected, lp).mul(batch.maskRejected).sum(-1); // [P]
  return { chosen, rejected };
}

/** Loss settings that shape the compiled step. */
export interface LossSettings {
  type: LossType;
  beta: number;
  labelSmoothing: number;
  /** weight α of the NLL term on chosen tokens (RPO); 0 turns it off */
  rpoAlpha: number;
}

/** Output aux of the preference step: per-pair policy log-probs and losses. */
export type StepAux = { chosen: np.Array; rejected: np.Array; losses: np.Array };

/**
 * The weighted preference loss of a batch: Σ_p w_p loss_p + α Σ_p w_p NLL_p, where NLL_p is
 * the mean negative log-likelihood per counted chosen token. Consumes params and batch.
 */
export function preferenceObjective(
  c: ModelConfig,
  s: LossSettings,
  params: Params,
  batch: DeviceBatch,
): [np.Array, StepAux] {
  const { chosen, rejected } = pairLogps(c, params, batch);
  for (const a of Object.values(params)) a.dispose();
  const losses = preferenceLoss(
    {
      policyChosen: chosen.ref,
      policyRejected: rejected.ref,
      refChosen: batch.refChosen,
      refRejected: batch.refRejected,
    },
    { type: s.type, beta: s.beta, labelSmoothing: s.labelSmoothing },
  );
  let loss = losses.ref.mul(batch.weight.ref).sum();
  if (s.rpoAlpha > 0) {
    const perToken = chosen.ref.div(batch.chosenCount).neg(); // [P]
    loss = loss.add(perToken.mul(batch.weight).sum().mul(s.rpoAlpha));
  } else {
    batch.chosenCount.dispose();
    batch.weight.dispose();
  }
  return [loss, { chosen, rejected, losses }];
}

/** jit(valueAndGrad) of the preference objective for one model config and loss (cached). */
export function compilePreferenceStep(c: ModelConfig, s: LossSettings) {
  return compileOnce("preference", [shapeKey(c), s], () => {
    const f = (params: Params, batch: DeviceBatch) => preferenceObjective(c, s, params, batch);
    return jit(valueAndGrad(f, { hasAux: true }));
  });
}

/** jit of the per-pair log-probs, for the reference model and evaluation (cached). */
export function compilePairLogps(c: ModelConfig) {
  return compileOnce("pair-logps", shapeKey(c), () =>
    jit((params: Params, batch: DeviceBatch) => {
      const out = pairLogps(c, params, batch);
      for (const a of Object.values(params)) a.dispose();
      for (const k of ["chosenCount", "weight", "refChosen", "refRejected"] as const)
        batch[k].dispose();
      return [out.chosen, out.rejected] as [np.Array, np.Array];
    }),
  );
}

/** An SFT batch on the engine: sequences, targets, counted-token mask and row weight. */
export type SftDeviceBatch = {
  inputs: np.Array; // [U, T] int32
  targets: np.Array; // [U, T] int32
  mask: np.Array; // [U, T]
  /** 1 / (counted tokens in the optimizer step) */
  weight: np.Array; // []
};

/** Next-token NLL summed over counted tokens, times the weight. Consumes its inputs. */
export function sftObjective(c: ModelConfig, params: Params, batch: SftDeviceBatch): np.Array {
  const lp = tokenLogps(c, params, batch.inputs, batch.targets);
  for (const a of Object.values(params)) a.dispose();
  return lp.mul(batch.mask).sum().mul(batch.weight).neg();
}

/** jit(valueAndGrad) of the SFT objective (cached). */
export function compileSftStep(c: ModelConfig) {
  return compileOnce("sft", shapeKey(c), () =>
    jit(valueAndGrad((params: Params, batch: SftDeviceBatch) => sftObjective(c, params, batch))),
  );
}

/** jit of the SFT objective without gradient, for evaluation (cached). */
export function compileSftLoss(c: ModelConfig) {
  return compileOnce("sft-loss", shapeKey(c), () =>
    jit((params: Params, batch: SftDeviceBatch) => sftObjective(c, params, batch)),
  );
}
