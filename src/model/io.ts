// Loading and saving models in the Hugging Face layout: config.json, model.safetensors and the
// tokenizer files, so a checkpoint moves between Redline and the Python tools both ways.

import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { np } from "../engine/index.js";
import { modelConfigFromHf, modelConfigToHf } from "./config.js";
import type { Model } from "./model.js";
import { downloadParams, type HostParams, paramSpecs, uploadParams } from "./params.js";
import { type HostTensor, readSafetensors, writeSafetensors } from "./safetensors.js";
import type { Tokenizer } from "./tokenizer.js";

// buffers some exports carry that are not parameters
const ignoredTensor = /(\.attn\.bias|\.attn\.masked_bias|rotary_emb\.inv_freq)$/;

/** Options of `loadModel`. */
export interface LoadModelOptions {
  dtype?: np.DType;
}

/**
 * Reads config.json and model.safetensors from `dir`. Every expected tensor must be present
 * with its expected shape; the error names the file, the tensor and the fix.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<Model> {
  const configFile = join(dir, "config.json");
  const weightsFile = join(dir, "model.safetensors");
  if (!existsSync(configFile)) {
    throw new Error(`loadModel: ${configFile} not found; a model directory needs config.json`);
  }
  if (!existsSync(weightsFile)) {
    const sharded = existsSync(join(dir, "model.safetensors.index.json"));
    throw new Error(
      `loadModel: ${weightsFile} not found; ${sharded ? "sharded checkpoints are not supported, merge them into one file" : "save the weights as model.safetensors"}`,
    );
  }
  const config = modelConfigFromHf(
    JSON.parse(await readFile(configFile, "utf8")) as Record<string, unknown>,
    configFile,
  );
  const tensors = await readSafetensors(weightsFile);
  const host = matchTensors(config.arch, paramSpecs(config), tensors, weightsFile);
  return { config, params: uploadParams(host, options.dtype) };
}

function matchTensors(
  arch: string,
  specs: ReturnType<typeof paramSpecs>,
  tensors: Map<string, HostTensor>,
  file: string,
): HostParams {
  const out: HostParams = {};
  const used = new Set<string>();
  const missing: string[] = [];
  for (const spec of specs) {
    // GPT-2 exports from GPT2Model drop the "transformer." prefix
    const candidates = [spec.name];
    if (arch === "gpt2") candidates.push(spec.name.replace(/^transformer\./, ""));
    const name = candidates.find((n) => tensors.has(n));
    if (!name) {
      missing.push(spec.name);
      continue;
    }
    const t = tensors.get(name)!;
    if (t.shape.join(",") !== spec.shape.join(",")) {
      throw new Error(
        `loadModel: ${file}: tensor ${name} has shape [${t.shape}] but config.json implies [${spec.shape}]; the weights do not match the config`,
      );
    }
    used.add(name);
    out[spec.name] = t;
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(", ");
    throw new Error(
      `loadModel: ${file} lacks ${missing.length} tensor(s) the config needs (${shown}${missing.length > 5 ? ", ..." : ""}); check that config.json belongs to these weights`,
    );
  }
  const extra = [...tensors.keys()].filter(
    (n) => !used.has(n) && !ignoredTensor.test(n) && n !== "lm_head.weight",
  );
  if (extra.length > 0) {
    throw new Error(
      `loadModel: ${file} has ${extra.length} tensor(s) the config does not use (${extra.slice(0, 5).join(", ")}); check that config.json belongs to these weights`,
    );
  }
  return out;
}

/**
 * Writes config.json, model.safetensors and, when given, the tokenizer files to `dir`;
 * `tokenizer` is a loaded Tokenizer or a directory to copy the files from.
 */
export async function saveModel(
  model: Model,
  dir: string,
  tokenizer?: Tokenizer | string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const host = await downloadParams(model.params);
  const tensors: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(host)) {
    tensors[name] = { shape: t.shape, data: t.data as Float32Array };
  }
  await writeSafetensors(join(dir, "model.safetensors"), tensors);
  await writeFile(
    join(dir, "config.json"),
    `${JSON.stringify(modelConfigToHf(model.config), null, 2)}\n`,
  );
  if (typeof tokenizer === "string" && tokenizer !== dir) {
    for (const f of ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]) {
      if (existsSync(join(tokenizer, f))) await copyFile(join(tokenizer, f), join(dir, f));
    }
  } else if (tokenizer && typeof tokenizer !== "string") {
    await writeFile(join(dir, "tokenizer.json"), JSON.stringify(tokenizer.files.tokenizer));
    await writeFile(
      join(dir, "tokenizer_config.json"),
      `${JSON.stringify(tokenizer.files.config, null, 2)}\n`,
    );
  }
}

/** Throws when the tokenizer's ids do not fit the model's embedding table. */
export function checkTokenizerFits(model: Model, tokenizer: Tokenizer, where: string): void {
  if (tokenizer.vocabSize > model.config.vocabSize) {
    throw new Error(
      `${where}: tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${model.config.vocabSize}; use the tokenizer.json that belongs to this model`,
    );
  }
}
