// Model configuration: the two supported families (GPT-2 and Llama) and their mapping to and
// from the Hugging Face `config.json`, so checkpoints move between Redline and Python tools.
import { z } from "zod";

/** The architecture family: GPT-2 (learned positions, LayerNorm, GELU) or Llama (RoPE, RMSNorm, SwiGLU). */
export type Architecture = "gpt2" | "llama";

/** Model hyper-parameters in Redline's own names; `hf` keeps unknown config.json fields. */
export interface ModelConfig {
  arch: Architecture;
  /** the `model_type` written to config.json (e.g. "gpt2", "llama", "qwen2") */
  modelType: string;
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  /** key/value heads for grouped-query attention (equal to `heads` for GPT-2) */
  kvHeads: number;
  headDim: number;
  /** MLP width */
  intermediate: number;
  maxPositions: number;
  normEps: number;
  /** RoPE base (Llama only) */
  ropeTheta: number;
  /** the output projection reuses the token embedding */
  tieEmbeddings: boolean;
  /** q/k/v projections carry a bias (Qwen2; Llama with attention_bias) */
  attentionBias: boolean;
  /** the attention output projection carries a bias (Llama with attention_bias) */
  outputBias: boolean;
  bosTokenId: number | null;
  eosTokenId: number | null;
  /** other config.json fields, written back unchanged */
  hf?: Record<string, unknown>;
}

/** The fields a caller gives to build a new model; the rest get family defaults. */
export const modelSpecSchema = z.object({
  arch: z.enum(["gpt2", "llama"]).describe("architecture family"),
  vocabSize: z.number().int().positive(),
  hidden: z.number().int().positive().describe("model width d"),
  layers: z.number().int().positive(),
  heads: z.number().int().positive(),
  kvHeads: z.number().int().positive().optional().describe("defaults to heads"),
  intermediate: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("defaults to 4d (gpt2), ~8d/3 (llama)"),
  maxPositions: z.number().int().positive().default(256),
  normEps: z.number().positive().optional(),
  ropeTheta: z.number().positive().default(10000),
  tieEmbeddings: z.boolean().optional().describe("defaults to true"),
  attentionBias: z.boolean().default(false),
  modelType: z.string().optional(),
  bosTokenId: z.number().int().nullable().default(null),
  eosTokenId: z.number().int().nullable().default(null),
});

/** Input of `modelConfigFromSpec`. */
export type ModelSpec = z.input<typeof modelSpecSchema>;

/** Fills in family defaults and checks that the shapes divide evenly. */
export function modelConfigFromSpec(spec: ModelSpec): ModelConfig {
  const s = modelSpecSchema.parse(spec);
  const kvHeads = s.kvHeads ?? s.heads;
  const config: ModelConfig = {
    arch: s.arch,
    modelType: s.modelType ?? s.arch,
    vocabSize: s.vocabSize,
    hidden: s.hidden,
    layers: s.layers,
    heads: s.heads,
    kvHeads,
    headDim: s.hidden / s.heads,
    intermediate:
      s.intermediate ??
      (s.arch === "gpt2" ? 4 * s.hidden : 32 * Math.ceil((8 * s.hidden) / 3 / 32)),
    maxPositions: s.maxPositions,
    normEps: s.normEps ?? (s.arch === "gpt2" ? 1e-5 : 1e-6),
    ropeTheta: s.ropeTheta,
    tieEmbeddings: s.tieEmbeddings ?? true,
    attentionBias: s.arch === "gpt2" ? true : s.attentionBias,
    outputBias: s.arch === "gpt2" ? true : s.attentionBias && s.modelType !== "qwen2",
    bosTokenId: s.bosTokenId,
    eosTokenId: s.eosTokenId,
  };
  checkModelConfig(config, "modelConfigFromSpec");
  return config;
}

/** Throws when head counts or widths do not divide evenly. */
export function checkModelConfig(c: ModelConfig, where: string): void {
  if (!Number.isInteger(c.headDim) || c.headDim <= 0) {
    throw new Error(`${where}: hidden ${c.hidden} is not divisible by heads ${c.heads}`);
  }
  if (c.heads % c.kvHeads !== 0) {
    throw new Error(`${where}: heads ${c.heads} is not a multiple of kv heads ${c.kvHeads}`);
  }
  if (c.arch === "llama" && c.headDim % 2 !== 0) {
    throw new Error(`${where}: RoPE needs an even head dim, got ${c.headDim}`);
  }
}

const llamaTypes = new Set(["llama", "qwen2", "mistral", "smollm", "smollm2", "tinyllama"]);

/** Reads a Hugging Face config.json object; `file` names it in errors. */
export function modelConfigFromHf(hf: Record<string, unknown>, file = "config.json"): ModelConfig {
  const modelType = String(hf.model_type ?? "");
  const num = (key: string, fallback?: number): number => {
    const v = hf[key];
    if (typeof v === "number") return v;
    if (fallback !== undefined) return fallback;
    throw new Error(`${file}: missing number field "${key}" for model_type "${modelType}"`);
  };
  const id = (key: string): number | null => {
    const v = hf[key];
    if (typeof v === "number") return v;
    if (Array.isArray(v) && typeof v[0] === "number") return v[0];
    return null;
  };
  let config: ModelConfig;
  if (modelType === "gpt2") {
    const hidden = num("n_embd");
    const act = String(hf.activation_function ?? "gelu_new");
    if (act !== "gelu_new" && act !== "gelu_pytorch_tanh") {
      throw new Error(`${file}: activation_function "${act}" is not supported; use "gelu_new"`);
    }
    config = {
      arch: "gpt2",
      modelType,
      vocabSize: num("vocab_size"),
      hidden,
      layers: num("n_layer"),
      heads: num("n_head"),
      kvHeads: num("n_head"),
      headDim: hidden / num("n_head"),
      intermediate: num("n_inner", 4 * hidden),
      maxPositions: num("n_positions", num("n_ctx", 1024)),
      normEps: num("layer_norm_epsilon", 1e-5),
      ropeTheta: 10000,
      tieEmbeddings: hf.tie_word_embeddings !== false,
      attentionBias: true,
      outputBias: true,
      bosTokenId: id("bos_token_id"),
      eosTokenId: id("eos_token_id"),
    };
  } else if (llamaTypes.has(modelType)) {
    const hidden = num("hidden_size");
    const heads = num("num_attention_heads");
    const act = String(hf.hidden_act ?? "silu");
    if (act !== "silu")
      throw new Error(`${file}: hidden_act "${act}" is not supported; use "silu"`);
    if (hf.rope_scaling != null) {
      throw new Error(
        `${file}: rope_scaling is not supported; remove it or use a model without it`,
      );
    }
    const qkvBias = modelType === "qwen2" || hf.attention_bias === true;
    config = {
      arch: "llama",
      modelType,
      vocabSize: num("vocab_size"),
      hidden,
      layers: num("num_hidden_layers"),
      heads,
      kvHeads: num("num_key_value_heads", heads),
      headDim: num("head_dim", hidden / heads),
      intermediate: num("intermediate_size"),
      maxPositions: num("max_position_embeddings", 2048),
      normEps: num("rms_norm_eps", 1e-6),
      ropeTheta: num("rope_theta", 10000),
      tieEmbeddings: hf.tie_word_embeddings === true,
      attentionBias: qkvBias,
      outputBias: modelType !== "qwen2" && hf.attention_bias === true,
      bosTokenId: id("bos_token_id"),
      eosTokenId: id("eos_token_id"),
    };
  } else {
    throw new Error(
      `${file}: model_type "${modelType}" is not supported; supported: gpt2, ${[...llamaTypes].join(", ")}`,
    );
  }
  config.hf = hf;
  checkModelConfig(config, file);
  return config;
}

/** Writes the Hugging Face config.json object for `c`, keeping fields read from disk. */
export function modelConfigToHf(c: ModelConfig): Record<string, unknown> {
  const base = { ...(c.hf ?? {}) };
  if (c.arch === "gpt2") {
    return {
      ...base,
      architectures: ["GPT2LMHeadModel"],
      model_type: "gpt2",
      vocab_size: c.vocabSize,
      n_embd: c.hidden,
      n_layer: c.layers,
      n_head: c.heads,
      n_inner: c.intermediate,
      n_positions: c.maxPositions,
      n_ctx: c.maxPositions,
      layer_norm_epsilon: c.normEps,
      activation_function: "gelu_new",
      tie_word_embeddings: c.tieEmbeddings,
      bos_token_id: c.bosTokenId,
      eos_token_id: c.eosTokenId,
      torch_dtype: "float32",
    };
  }
  const arch = c.modelType === "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM";
  const out: Record<string, unknown> = {
    ...base,
    architectures: [arch],
    model_type: c.modelType === "qwen2" ? "qwen2" : "llama",
    vocab_size: c.vocabSize,
    hidden_size: c.hidden,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    num_key_value_heads: c.kvHeads,
    head_dim: c.headDim,
    intermediate_size: c.intermediate,
    max_position_embeddings: c.maxPositions,
    rms_norm_eps: c.normEps,
    rope_theta: c.ropeTheta,
    hidden_act: "silu",
    tie_word_embeddings: c.tieEmbeddings,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenId,
    torch_dtype: "float32",
  };
  if (c.modelType !== "qwen2") {
    out.attention_bias = c.attentionBias;
    out.mlp_bias = false;
  }
  return out;
}
