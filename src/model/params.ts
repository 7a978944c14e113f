// Parameter layout of each family under the Hugging Face tensor names, and seeded random init.
// GPT-2 stores Conv1D weights as [in, out]; Llama stores nn.Linear weights as [out, in].
import { np } from "../engine/index.js";
import type { ModelConfig } from "./config.js";

/** Model parameters keyed by Hugging Face tensor name. */
export type Params = Record<string, np.Array>;

/** Host-side parameter values keyed by tensor name. */
export type HostParams = Record<string, { shape: number[]; data: Float32Array | Float64Array }>;

/** How a parameter is initialised. */
export type InitKind = "normal" | "ones" | "zeros";

/** Name, shape and init of one parameter. */
export interface ParamSpec {
  name: string;
  shape: number[];
  init: InitKind;
}

/** The parameters a model of `c` has, in a fixed order. */
export function paramSpecs(c: ModelConfig): ParamSpec[] {
  const out: ParamSpec[] = [];
  const add = (name: string, shape: number[], init: InitKind = "normal") =>
    out.push({ name, shape, init });
  const d = c.hidden;
  if (c.arch === "gpt2") {
    add("transformer.wte.weight", [c.vocabSize, d]);
    add("transformer.wpe.weight", [c.maxPositions, d]);
    for (let i = 0; i < c.layers; i++) {
      const p = `transformer.h.${i}.`;
      add(`${p}ln_1.weight`, [d], "ones");
      add(`${p}ln_1.bias`, [d], "zeros");
      add(`${p}attn.c_attn.weight`, [d, 3 * d]);
      add(`${p}attn.c_attn.bias`, [3 * d], "zeros");
      add(`${p}attn.c_proj.weight`, [d, d]);
      add(`${p}attn.c_proj.bias`, [d], "zeros");
      add(`${p}ln_2.weight`, [d], "ones");
      add(`${p}ln_2.bias`, [d], "zeros");
      add(`${p}mlp.c_fc.weight`, [d, c.intermediate]);
      add(`${p}mlp.c_fc.bias`, [c.intermediate], "zeros");
      add(`${p}mlp.c_proj.weight`, [c.intermediate, d]);
      add(`${p}mlp.c_proj.bias`, [d], "zeros");
    }
    add("transformer.ln_f.weight", [d], "ones");
    add("transformer.ln_f.bias", [d], "zeros");
    if (!c.tieEmbeddings) add("lm_head.weight", [c.vocabSize, d]);
    return out;
  }
  const q = c.heads * c.headDim;
  const kv = c.kvHeads * c.headDim;
  add("model.embed_tokens.weight", [c.vocabSize, d]);
  for (let i = 0; i < c.layers; i++) {
    const p = `model.layers.${i}.`;
    add(`${p}input_layernorm.weight`, [d], "ones");
    add(`${p}self_attn.q_proj.weight`, [q, d]);
    add(`${p}self_attn.k_proj.weight`, [kv, d]);
    add(`${p}self_attn.v_proj.weight`, [kv, d]);
    if (c.attentionBias) {
      add(`${p}self_attn.q_proj.bias`, [q], "zeros");
      add(`${p}self_attn.k_proj.bias`, [kv], "zeros");
      add(`${p}self_attn.v_proj.bias`, [kv], "zeros");
    }
    add(`${p}self_attn.o_proj.weight`, [d, q]);
    if (c.outputBias) add(`${p}self_attn.o_proj.bias`, [d], "zeros");
    add(`${p}post_attention_layernorm.weight`, [d], "ones");
    add(`${p}mlp.gate_proj.weight`, [c.intermediate, d]);
    add(`${p}mlp.up_proj.weight`, [c.intermediate, d]);
    add(`${p}mlp.down_proj.weight`, [d, c.intermediate]);
  }
  add("model.norm.weight", [d], "ones");
  if (!c.tieEmbeddings) add("lm_head.weight", [c.vocabSize, d]);
  return out;
}

/** Number of scalar parameters of a model of `c`. */
export function countParams(c: ModelConfig): number {
  return paramSpecs(c).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** A small seeded generator (mulberry32) so runs are repeatable without engine state. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Host values of a freshly initialised model: N(0, std) weights, unit norms, zero biases. */
export function initHostParams(c: ModelConfig, seed: number, std = 0.02): HostParams {
  const rng = createRng(seed);
  const out: HostParams = {};
  // residual projections are scaled by 1/sqrt(2L) as in GPT-2
  const residual = /(c_proj|o_proj|down_proj)\.weight$/;
  for (const spec of paramSpecs(c)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (spec.init === "ones") data.fill(1);
    else if (spec.init === "normal") {
      const s = residual.test(spec.name) ? std / Math.sqrt(2 * c.layers) : std;
      for (let i = 0; i < n; i += 2) {
        // box-muller gives two normals per pair of uniforms
        const u = Math.max(rng(), 1e-12);
        const v = rng();
        const r = Math.sqrt(-2 * Math.log(u));
        data[i] = s * r * Math.cos(2 * Math.PI * v);
        if (i + 1 < n) data[i + 1] = s * r * Math.sin(2 * Math.PI * v);
      }
    }
    out[spec.name] = { shape: spec.shape, data };
  }
  return out;
}

/** Uploads host values to the engine in `dtype` (float32 unless testing in float64). */
export function uploadParams(host: HostParams, dtype: np.DType = np.float32): Params {
  const out: Params = {};
  for (const [name, { shape, data }] of Object.entries(host)) {
    const typed = dtype === np.float64 ? Float64Array.from(data) : Float32Array.from(data);
    out[name] = np.array(typed, { dtype }).reshape(shape);
  }
  return out;
}

/** Downloads parameters to the host as float32 without consuming them. */
export async function downloadParams(params: Params): Promise<HostParams> {
  const out: HostParams = {};
  for (const [name, arr] of Object.entries(params)) {
    const data = await arr.ref.astype(np.float32).data();
    out[name] = { shape: arr.shape, data: Float32Array.from(data as Float32Array) };
  }
  return out;
}
