// The decoder-only transformer forward pass for both families, written once over HF tensor
// names: GPT-2 (Radford et al. 2019) and Llama (Touvron et al. 2023) with RoPE (Su et al. 2021),
// RMSNorm, SwiGLU and grouped-query attention. Embeddings and gathers use one-hot matmuls,
// because the gradient of `take` does not compile under `jit`.
import { nn, np } from "../engine/index.js";
import type { ModelConfig } from "./config.js";
import type { Params } from "./params.js";

/** Per-layer key/value cache for decoding, each [B, S, Hkv, hd]. */
export type KvCache = {
  keys: np.Array[];
  values: np.Array[];
};

/** Inputs beyond the tokens, for left-padded or cached decoding. */
export interface ForwardOptions {
  /** position ids [B, T] int32; default 0..T-1 for every row */
  positions?: np.Array;
  /** boolean attention mask broadcastable to [B, 1, T, S]; default causal */
  mask?: np.Array;
  /** past keys/values to attend to; the new ones are written at `writeAt` */
  cache?: KvCache;
  /** one-hot [1, S, 1, 1] of the cache slot the (single) new token is written to */
  writeAt?: np.Array;
  /** collect this pass's keys and values (for prefill) */
  collect?: boolean;
}

/** Output of `forwardHidden`: final hidden states and, when asked, the new caches. */
export interface ForwardResult {
  /** [B, T, d] after the final norm */
  hidden: np.Array;
  cache?: KvCache;
}

/** Linear layer in HF storage: GPT-2 Conv1D is [in, out], nn.Linear is [out, in]. */
function linear(x: np.Array, w: np.Array, b: np.Array | undefined, conv1d: boolean): np.Array {
  const y = np.matmul(x, conv1d ? w : w.transpose());
  return b ? y.add(b) : y;
}

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * w + b. */
function layerNorm(x: np.Array, w: np.Array, b: np.Array, eps: number): np.Array {
  const mu = x.ref.mean(-1, { keepdims: true });
  const xc = x.sub(mu);
  const variance = xc.ref.mul(xc.ref).mean(-1, { keepdims: true });
  return xc
    .div(np.sqrt(variance.add(eps)))
    .mul(w)
    .add(b);
}

/**
 * RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * w. The mean is taken as a product
 * with a 1/d column: with `.mean` the engine's fusion made a Llama training step about twice
 * as slow (the normed output feeds three projections).
 */
function rmsNorm(x: np.Array, w: np.Array, eps: number): np.Array {
  const d = x.shape[x.ndim - 1];
  const avg = np.full([d, 1], 1 / d, { dtype: x.dtype });
  const ms = np.matmul(x.ref.mul(x.ref), avg); // [..., 1]
  return x.div(np.sqrt(ms.add(eps))).mul(w);
}

/** GPT-2's tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
function geluTanh(x: np.Array): np.Array {
  const inner = x.ref.add(x.ref.mul(x.ref).mul(x.ref).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(np.tanh(inner).add(1)).mul(0.5);
}

/** Host-side RoPE tables for position ids: cos and sin of shape [B, T, 1, hd]. */
export function ropeTables(
  positions: Int32Array | number[],
  B: number,
  T: number,
  headDim: number,
  theta: number,
  dtype: np.DType,
): { cos: np.Array; sin: np.Array } {
  const half = headDim / 2;
  const cos = new Float64Array(B * T * headDim);
  const sin = new Float64Array(B * T * headDim);
  for (let r = 0; r < B * T; r++) {
    const p = positions[r];
    for (let i = 0; i < half; i++) {
      const angle = p / theta ** ((2 * i) / headDim);
      cos[r * headDim + i] = cos[r * headDim + i + half] = Math.cos(angle);
      sin[r * headDim + i] = sin[r * headDim + i + half] = Math.sin(angle);
    }
  }
  const make = (a: Float64Array) =>
    np
      .array(dtype === np.float64 ? a : Float32Array.from(a), { dtype })
      .reshape([B, T, 1, headDim]);
  return { cos: make(cos), sin: make(sin) };
}

/** Rotates q or k [B, T, H, hd] by the RoPE tables (HF rotate_half convention). */
function applyRope(x: np.Array, cos: np.Array, sin: np.Array): np.Array {
  const hd = x.shape[3];
  const half = hd / 2;
  const x1 = x.ref.slice([], [], [], [0, half]);
  const x2 = x.ref.slice([], [], [], [half, hd]);
  const rotated = np.concatenate([x2.neg(), x1], 3);
  return x.mul(cos).add(rotated.mul(sin));
}

/** The token (and GPT-2 position) embedding [B, T, d]. */
function embed(c: ModelConfig, p: Params, tokens: np.Array, positions?: np.Array): np.Array {
  const [B, T] = tokens.shape;
  const table = c.arch === "gpt2" ? p["transformer.wte.weight"] : p["model.embed_tokens.weight"];
  const dtype = table.dtype;
  const x = np.matmul(nn.oneHot(tokens, c.vocabSize).astype(dtype), table.ref); // [B, T, d]
  if (c.arch !== "gpt2") return x;
  const wpe = p["transformer.wpe.weight"];
  if (!positions) return x.add(wpe.ref.slice([0, T]).reshape([1, T, c.hidden]));
  const onehot = nn.oneHot(positions.reshape([B * T]), c.maxPositions).astype(dtype);
  return x.add(np.matmul(onehot, wpe.ref).reshape([B, T, c.hidden]));
}

/** One attention sub-layer on normed input h [B, T, d]; returns [B, T, d]. */
function attention(
  c: ModelConfig,
  p: Params,
  i: number,
  h: np.Array,
  rope: { cos: np.Array; sin: np.Array } | null,
  options: ForwardOptions,
  collected: KvCache | null,
): np.Array {
  const [B, T] = h.shape;
  const H = c.heads;
  const K = c.kvHeads;
  const hd = c.headDim;
  let q: np.Array;
  let k: np.Array;
  let v: np.Array;
  let out: np.Array;
  if (c.arch === "gpt2") {
    const pre = `transformer.h.${i}.attn.`;
    const qkv = linear(h, p[`${pre}c_attn.weight`].ref, p[`${pre}c_attn.bias`].ref, true);
    const qkv5 = qkv.reshape([B, T, 3, H, hd]);
    q = qkv5.ref.slice([], [], 0);
    k = qkv5.ref.slice([], [], 1);
    v = qkv5.slice([], [], 2);
  } else {
    const pre = `model.layers.${i}.self_attn.`;
    const bias = (name: string) => (c.attentionBias ? p[`${pre}${name}.bias`].ref : undefined);
    q = linear(h.ref, p[`${pre}q_proj.weight`].ref, bias("q_proj"), false).reshape([B, T, H, hd]);
    k = linear(h.ref, p[`${pre}k_proj.weight`].ref, bias("k_proj"), false).reshape([B, T, K, hd]);
    v = linear(h, p[`${pre}v_proj.weight`].ref, bias("v_proj"), false).reshape([B, T, K, hd]);
    if (rope) {
      q = applyRope(q, rope.cos.ref, rope.sin.ref);
      k = applyRope(k, rope.cos.ref, rope.sin.ref);
    }
  }
  if (collected) {
    collected.keys.push(k.ref);
    collected.values.push(v.ref);
  }

  // cached decoding writes the new key/value into its slot, then attends over the cache
  if (options.cache && options.writeAt) {
    const slot = options.writeAt; // borrowed, disposed after the last layer
    const keep = np.subtract(1, slot.ref);
    const keys = options.cache.keys[i].mul(keep.ref).add(k.mul(slot.ref));
    const values = options.cache.values[i].mul(keep).add(v.mul(slot.ref));
    options.cache.keys[i] = keys.ref;
    options.cache.values[i] = values.ref;
    out = nn.dotProductAttention(q, keys, values, { mask: options.mask!.ref });
  } else if (options.mask) {
    out = nn.dotProductAttention(q, k, v, { mask: options.mask.ref });
  } else {
    out = nn.dotProductAttention(q, k, v, { isCausal: true });
  }
  const merged = out.reshape([B, T, H * hd]);
  if (c.arch === "gpt2") {
    const pre = `transformer.h.${i}.attn.`;
    return linear(merged, p[`${pre}c_proj.weight`].ref, p[`${pre}c_proj.bias`].ref, true);
  }
  const pre = `model.layers.${i}.self_attn.`;
  const ob = c.outputBias ? p[`${pre}o_proj.bias`].ref : undefined;
  return linear(merged, p[`${pre}o_proj.weight`].ref, ob, false);
}

/** One MLP sub-layer on normed input h [B, T, d]. */
function mlp(c: ModelConfig, p: Params, i: number, h: np.Array): np.Array {
  if (c.arch === "gpt2") {
    const pre = `transformer.h.${i}.mlp.`;
    const up = linear(h, p[`${pre}c_fc.weight`].ref, p[`${pre}c_fc.bias`].ref, true);
    return linear(geluTanh(up), p[`${pre}c_proj.weight`].ref, p[`${pre}c_proj.bias`].ref, true);
  }
  const pre = `model.layers.${i}.mlp.`;
  const gate = linear(h.ref, p[`${pre}gate_proj.weight`].ref, undefined, false);
  const up = linear(h, p[`${pre}up_proj.weight`].ref, undefined, false);
  return linear(nn.silu(gate).mul(up), p[`${pre}down_proj.weight`].ref, undefined, false);
}

/**
 * Runs the transformer body on tokens [B, T] (int32) and returns the final-normed hidden
 * states [B, T, d]. Parameters are borrowed (not consumed); `tokens`, `positions`, `mask` and
 * the RoPE tables are consumed. With `options.cache`, its arrays are replaced by the updated ones.
 */
export function forwardHidden(
  c: ModelConfig,
  p: Params,
  tokens: np.Array,
  options: ForwardOptions = {},
  rope: { cos: np.Array; sin: np.Array } | null = null,
): ForwardResult {
  const [B, T] = tokens.shape;
  const dtype = p[c.arch === "gpt2" ? "transformer.wte.weight" : "model.embed_tokens.weight"].dtype;
  if (c.arch === "llama" && !rope) {
    const ids = new Int32Array(B * T);
    for (let r = 0; r < B * T; r++) ids[r] = r % T;
    rope = ropeTables(ids, B, T, c.headDim, c.ropeTheta, dtype);
  }
  let x = embed(c, p, tokens, c.arch === "gpt2" ? options.positions : undefined);
  if (c.arch !== "gpt2") options.positions?.dispose();
  const collected: KvCache | null = options.collect ? { keys: [], values: [] } : null;

  for (let i = 0; i < c.layers; i++) {
    // attention block, pre-norm residual
    let h: np.Array;
    if (c.arch === "gpt2") {
      const pre = `transformer.h.${i}.`;
      h = layerNorm(x.ref, p[`${pre}ln_1.weight`].ref, p[`${pre}ln_1.bias`].ref, c.normEps);
    } else {
      h = rmsNorm(x.ref, p[`model.layers.${i}.input_layernorm.weight`].ref, c.normEps);
    }
    x = x.add(attention(c, p, i, h, rope, options, collected));

    // mlp block, pre-norm residual
    if (c.arch === "gpt2") {
      const pre = `transformer.h.${i}.`;
      h = layerNorm(x.ref, p[`${pre}ln_2.weight`].ref, p[`${pre}ln_2.bias`].ref, c.normEps);
    } else {
      h = rmsNorm(x.ref, p[`model.layers.${i}.post_attention_layernorm.weight`].ref, c.normEps);
    }
    x = x.add(mlp(c, p, i, h));
  }
  rope?.cos.dispose();
  rope?.sin.dispose();
  options.mask?.dispose();
  options.writeAt?.dispose();

  const hidden =
    c.arch === "gpt2"
      ? layerNorm(x, p["transformer.ln_f.weight"].ref, p["transformer.ln_f.bias"].ref, c.normEps)
      : rmsNorm(x, p["model.norm.weight"].ref, c.normEps);
  return { hidden, cache: collected ?? options.cache };
}

/** Projects hidden states [..., d] to vocabulary logits [..., V]; params borrowed. */
export function lmHead(c: ModelConfig, p: Params, hidden: np.Array): np.Array {
  const embedName = c.arch === "gpt2" ? "transformer.wte.weight" : "model.embed_tokens.weight";
  const w = c.tieEmbeddings ? p[embedName] : p["lm_head.weight"];
  return np.matmul(hidden, w.ref.transpose());
}

/** Logits [B, T, V] for tokens [B, T]; params borrowed, tokens consumed. */
export function forwardLogits(c: ModelConfig, p: Params, tokens: np.Array): np.Array {
  return lmHead(c, p, forwardHidden(c, p, tokens).hidden);
}

/**
 * Log-probability of each target token, log softmax(logits)[t, target_t], as [B, T].
 * The gather is a one-hot product so it differentiates under `jit`. Consumes tokens/targets.
 */
export function tokenLogps(
  c: ModelConfig,
  p: Params,
  tokens: np.Array,
  targets: np.Array,
): np.Array {
  const logits = forwardLogits(c, p, tokens); // [B, T, V]
  const logp = nn.logSoftmax(logits, -1);
  const onehot = nn.oneHot(targets, c.vocabSize).astype(logp.dtype);
  return logp.mul(onehot).sum(-1);
}
