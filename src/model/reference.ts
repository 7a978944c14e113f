// A plain float64 forward pass written with loops, independent of the engine, used by tests to
// check the transformer at tiny sizes. It follows the Hugging Face modules line by line.
import type { ModelConfig } from "./config.js";
import type { HostParams } from "./params.js";

type Mat = Float64Array; // row-major [rows, cols]

function get(p: HostParams, name: string): Mat {
  const t = p[name];
  if (!t) throw new Error(`referenceLogits: missing parameter ${name}`);
  return Float64Array.from(t.data);
}

// y[r, o] = sum_i x[r, i] w[i, o] (inOut) or w[o, i] (outIn)
function matmul(x: Mat, rows: number, n: number, w: Mat, out: number, inOut: boolean): Mat {
  const y = new Float64Array(rows * out);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < out; o++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[r * n + i] * (inOut ? w[i * out + o] : w[o * n + i]);
      y[r * out + o] = s;
    }
  return y;
}

function addBias(y: Mat, b: Mat): Mat {
  for (let i = 0; i < y.length; i++) y[i] += b[i % b.length];
  return y;
}

function norm(
  x: Mat,
  rows: number,
  d: number,
  w: Mat,
  b: Mat | null,
  eps: number,
  rms: boolean,
): Mat {
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * d, (r + 1) * d);
    const mu = rms ? 0 : row.reduce((a, v) => a + v, 0) / d;
    const v2 = row.reduce((a, v) => a + (v - mu) ** 2, 0) / d;
    for (let i = 0; i < d; i++)
      y[r * d + i] = ((row[i] - mu) / Math.sqrt(v2 + eps)) * w[i] + (b ? b[i] : 0);
  }
  return y;
}

/** Logits [T, V] of one sequence, computed in float64 with loops. */
export function referenceLogits(c: ModelConfig, p: HostParams, tokens: number[]): Float64Array {
  const T = tokens.length;
  const d = c.hidden;
  const H = c.heads;
  const K = c.kvHeads;
  const hd = c.headDim;
  const gpt = c.arch === "gpt2";
  const wte = get(p, gpt ? "transformer.wte.weight" : "model.embed_tokens.weight");
  let x = new Float64Array(T * d);
  for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) x[t * d + i] = wte[tokens[t] * d + i];
  if (gpt) {
    const wpe = get(p, "transformer.wpe.weight");
    for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) x[t * d + i] += wpe[t * d + i];
  }
  const rope = (v: Mat, heads: number) => {
    const half = hd / 2;
    for (let t = 0; t < T; t++)
      for (let h = 0; h < heads; h++) {
        const base = (t * heads + h) * hd;
        const orig = v.slice(base, base + hd);
        for (let i = 0; i < hd; i++) {
          const f = i % half;
          const angle = t / c.ropeTheta ** ((2 * f) / hd);
          const rot = i < half ? -orig[i + half] : orig[i - half];
          v[base + i] = orig[i] * Math.cos(angle) + rot * Math.sin(angle);
        }
      }
  };
  for (let l = 0; l < c.layers; l++) {
    const pre = gpt ? `transformer.h.${l}.` : `model.layers.${l}.`;
    const h = gpt
      ? norm(x, T, d, get(p, `${pre}ln_1.weight`), get(p, `${pre}ln_1.bias`), c.normEps, false)
      : norm(x, T, d, get(p, `${pre}input_layernorm.weight`), null, c.normEps, true);
    let q: Mat;
    let k: Mat;
    let v: Mat;
    if (gpt) {
      const qkv = addBias(
        matmul(h, T, d, get(p, `${pre}attn.c_attn.weight`), 3 * d, true),
        get(p, `${pre}attn.c_attn.bias`),
      );
      q = new Float64Array(T * d);
      k = new Float64Array(T * d);
      v = new Float64Array(T * d);
      for (let t = 0; t < T; t++)
        for (let i = 0; i < d; i++) {
          q[t * d + i] = qkv[t * 3 * d + i];
          k[t * d + i] = qkv[t * 3 * d + d + i];
          v[t * d + i] = qkv[t * 3 * d + 2 * d + i];
        }
    } else {
      const proj = (name: string, out: number) => {
        const y = matmul(h, T, d, get(p, `${pre}self_attn.${name}.weight`), out, false);
        return c.attentionBias ? addBias(y, get(p, `${pre}self_attn.${name}.bias`)) : y;
      };
      q = proj("q_proj", H * hd);
      k = proj("k_proj", K * hd);
      v = proj("v_proj", K * hd);
      rope(q, H);
      rope(k, K);
    }
    const att = new Float64Array(T * H * hd);
    for (let head = 0; head < H; head++) {
      const kh = Math.floor(head / (H / K));
      for (let t = 0; t < T; t++) {
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += q[(t * H + head) * hd + i] * k[(s * K + kh) * hd + i];
          scores.push(dot / Math.sqrt(hd));
        }
        const m = Math.max(...scores);
        const e = scores.map((z) => Math.exp(z - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s <= t; s++)
          for (let i = 0; i < hd; i++)
            att[(t * H + head) * hd + i] += (e[s] / z) * v[(s * K + kh) * hd + i];
      }
    }
    let o: Mat;
    if (gpt)
      o = addBias(
        matmul(att, T, d, get(p, `${pre}attn.c_proj.weight`), d, true),
        get(p, `${pre}attn.c_proj.bias`),
      );
    else {
      o = matmul(att, T, H * hd, get(p, `${pre}self_attn.o_proj.weight`), d, false);
      if (c.outputBias) o = addBias(o, get(p, `${pre}self_attn.o_proj.bias`));
    }
    x = x.map((a, i) => a + o[i]);
    const I = c.intermediate;
    let m: Mat;
    if (gpt) {
      const h2 = norm(
        x,
        T,
        d,
        get(p, `${pre}ln_2.weight`),
        get(p, `${pre}ln_2.bias`),
        c.normEps,
        false,
      );
      const u = addBias(
        matmul(h2, T, d, get(p, `${pre}mlp.c_fc.weight`), I, true),
        get(p, `${pre}mlp.c_fc.bias`),
      );
      const g = u.map(
        (a) => 0.5 * a * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (a + 0.044715 * a ** 3))),
      );
      m = addBias(
        matmul(g, T, I, get(p, `${pre}mlp.c_proj.weight`), d, true),
        get(p, `${pre}mlp.c_proj.bias`),
      );
    } else {
      const h2 = norm(
        x,
        T,
        d,
        get(p, `${pre}post_attention_layernorm.weight`),
        null,
        c.normEps,
        true,
      );
      const gate = matmul(h2, T, d, get(p, `${pre}mlp.gate_proj.weight`), I, false);
      const up = matmul(h2, T, d, get(p, `${pre}mlp.up_proj.weight`), I, false);
      const act = gate.map((a, i) => (a / (1 + Math.exp(-a))) * up[i]);
      m = matmul(act, T, I, get(p, `${pre}mlp.down_proj.weight`), d, false);
    }
    x = x.map((a, i) => a + m[i]);
  }
  const hf = gpt
    ? norm(
        x,
        T,
        d,
        get(p, "transformer.ln_f.weight"),
        get(p, "transformer.ln_f.bias"),
        c.normEps,
        false,
      )
    : norm(x, T, d, get(p, "model.norm.weight"), null, c.normEps, true);
  const head = c.tieEmbeddings ? wte : get(p, "lm_head.weight");
  return matmul(hf, T, d, head, c.vocabSize, false);
}
