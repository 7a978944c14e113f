// AdamW (Loshchilov & Hutter 2019) with global-norm gradient clipping, and the learning-rate
// schedule: linear warmup then cosine decay to a floor. The update is one jitted function.
import { compileOnce, jit, np, tree } from "../engine/index.js";
import type { Params } from "../model/params.js";

/** AdamW hyper-parameters. */
export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** clip the global gradient norm to this; 0 turns clipping off */
  maxGradNorm: number;
}

/** Optimizer state: step count and first/second moments keyed like the params. */
export interface AdamWState {
  step: number;
  m: Params;
  v: Params;
}

/** Zero moments for `params` (borrowed). */
export function initAdamW(params: Params): AdamWState {
  const zeros = (): Params =>
    Object.fromEntries(
      Object.entries(params).map(([k, p]) => [k, np.zeros(p.shape, { dtype: p.dtype })]),
    );
  return { step: 0, m: zeros(), v: zeros() };
}

/** Learning rate at `step` (0-based): linear warmup, then cosine from peak to peak·minRatio. */
export function learningRate(
  step: number,
  peak: number,
  warmupSteps: number,
  totalSteps: number,
  minRatio = 0.1,
): number {
  if (warmupSteps > 0 && step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  return peak * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

type UpdateIn = {
  params: Params;
  grads: Params;
  m: Params;
  v: Params;
  /** [lr, bias correction 1, bias correction 2] */
  scalars: np.Array;
};
type UpdateOut = { params: Params; m: Params; v: Params; gradNorm: np.Array };

/**
 * A compiled AdamW step. Decoupled weight decay applies to matrices only (not to norms,
 * biases or 1-d tensors), as is usual for transformers.
 */
export function compileAdamW(options: AdamWOptions) {
  return compileOnce("adamw", options, () => buildAdamW(options));
}

function buildAdamW(options: AdamWOptions) {
  const { beta1, beta2, eps, weightDecay, maxGradNorm } = options;
  return jit((input: UpdateIn): UpdateOut => {
    const names = Object.keys(input.params);
    const lr = input.scalars.ref.slice(0);
    const bc1 = input.scalars.ref.slice(1);
    const bc2 = input.scalars.slice(2);

    // clip the gradient by its global norm
    let sq: np.Array | null = null;
    for (const k of names) {
      const g = input.grads[k];
      const s = g.ref.mul(g.ref).sum();
      sq = sq ? sq.add(s) : s;
    }
    const gradNorm = np.sqrt(sq!);
    const scale =
      maxGradNorm > 0
        ? np.minimum(1, np.divide(maxGradNorm, gradNorm.ref.add(1e-6)))
        : np.onesLike(gradNorm.ref);

    const params: Params = {};
    const m: Params = {};
    const v: Params = {};
    for (const k of names) {
      const g = input.grads[k].mul(scale.ref);
      m[k] = input.m[k].mul(beta1).add(g.ref.mul(1 - beta1));
      v[k] = input.v[k].mul(beta2).add(g.ref.mul(g).mul(1 - beta2));
      const mHat = m[k].ref.div(bc1.ref);
      const vHat = v[k].ref.div(bc2.ref);
      let p = input.params[k];
      if (weightDecay > 0 && p.ndim >= 2) p = p.ref.sub(p.mul(lr.ref).mul(weightDecay));
      params[k] = p.sub(mHat.div(np.sqrt(vHat).add(eps)).mul(lr.ref));
    }
    scale.dispose();
    lr.dispose();
    bc1.dispose();
    bc2.dispose();
    return { params, m, v, gradNorm };
  });
}

/**
 * Applies one AdamW update in place on `params` and `state`, consuming `grads`.
 * Returns the global gradient norm before clipping.
 */
export async function applyAdamW(
  update: ReturnType<typeof compileAdamW>,
  params: Params,
  grads: Params,
  state: AdamWState,
  lr: number,
  options: Pick<AdamWOptions, "beta1" | "beta2">,
): Promise<number> {
  state.step += 1;
  const bc1 = 1 - options.beta1 ** state.step;
  const bc2 = 1 - options.beta2 ** state.step;
  const dtype = Object.values(params)[0].dtype;
  const scalars = np.array([lr, bc1, bc2], { dtype });
  const out = update({ params: { ...params }, grads, m: state.m, v: state.v, scalars });
  for (const k of Object.keys(params)) params[k] = out.params[k];
  state.m = out.m;
  state.v = out.v;
  return (await out.gradNorm.data())[0];
}

/** Adds gradient trees, consuming both (for accumulation). */
export const addGrads = jit(
  (a: Params, b: Params): Params =>
    tree.map((x: np.Array, y: np.Array) => x.add(y), a, b) as Params,
);
