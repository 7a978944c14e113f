// A model is its config plus its parameters on the engine; this file builds new ones.
import type { np } from "../engine/index.js";
import { type ModelConfig, type ModelSpec, modelConfigFromSpec } from "./config.js";
import { initHostParams, type Params, uploadParams } from "./params.js";

/** A decoder-only language model: configuration and parameters keyed by HF tensor name. */
export interface Model {
  config: ModelConfig;
  params: Params;
}

/** Options of `createModel`. */
export interface CreateModelOptions {
  /** compute dtype; float64 is for exact gradient checks */
  dtype?: np.DType;
  /** standard deviation of the normal init */
  std?: number;
}

/** Builds a randomly initialised model from a spec or a full config, repeatably from `seed`. */
export function createModel(
  config: ModelSpec | ModelConfig,
  seed: number,
  options: CreateModelOptions = {},
): Model {
  const full = "headDim" in config ? (config as ModelConfig) : modelConfigFromSpec(config);
  const host = initHostParams(full, seed, options.std);
  return { config: full, params: uploadParams(host, options.dtype) };
}

/** Frees the model's parameters on the engine. */
export function disposeModel(model: Model): void {
  for (const a of Object.values(model.params)) a.dispose();
  model.params = {};
}
