// Checkpoints: the model in the Hugging Face layout plus optimizer moments and the trainer's
// position (step, epoch, batch), so `--resume` continues exactly where a run stopped.
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { np } from "../engine/index.js";
import { loadModel, saveModel } from "../model/io.js";
import type { Model } from "../model/model.js";
import { downloadParams, type HostParams, type Params, uploadParams } from "../model/params.js";
import { readSafetensors, writeSafetensors } from "../model/safetensors.js";
import type { Tokenizer } from "../model/tokenizer.js";
import type { AdamWState } from "./optimizer.js";

/** Where the trainer stands; enough to rebuild the data order and schedule. */
export interface TrainerState {
  /** optimizer steps done */
  step: number;
  /** epoch of the next micro-batch */
  epoch: number;
  /** index of the next micro-batch within that epoch */
  batch: number;
  totalSteps: number;
  seed: number;
  /** hash of the resolved config; resuming with another config is refused */
  configHash: string;
}

/** Writes a checkpoint directory: model files, optimizer.safetensors, trainer_state.json. */
export async function saveCheckpoint(
  dir: string,
  model: Model,
  tokenizer: Tokenizer,
  optimizer: AdamWState,
  state: TrainerState,
): Promise<void> {
  await saveModel(model, dir, tokenizer);
  const tensors: HostParams = {};
  for (const [prefix, tree] of [
    ["m", optimizer.m],
    ["v", optimizer.v],
  ] as const) {
    const host = await downloadParams(tree);
    for (const [k, t] of Object.entries(host)) tensors[`${prefix}.${k}`] = t;
  }
  await writeSafetensors(
    join(dir, "optimizer.safetensors"),
    Object.fromEntries(
      Object.entries(tensors).map(([k, t]) => [
        k,
        { shape: t.shape, data: t.data as Float32Array },
      ]),
    ),
    { step: String(optimizer.step) },
  );
  await writeFile(join(dir, "trainer_state.json"), `${JSON.stringify(state, null, 2)}\n`);
}

/** A loaded checkpoint. */
export interface Checkpoint {
  model: Model;
  optimizer: AdamWState;
  state: TrainerState;
}

/** Reads a checkpoint written by `saveCheckpoint`. */
export async function loadCheckpoint(
  dir: string,
  dtype: np.DType = np.float32,
): Promise<Checkpoint> {
  const stateFile = join(dir, "trainer_state.json");
  if (!existsSync(stateFile)) {
    throw new Error(`loadCheckpoint: ${stateFile} not found; pass a checkpoint-<step> directory`);
  }
  const state = JSON.parse(await readFile(stateFile, "utf8")) as TrainerState;
  const model = await loadModel(dir, { dtype });
  const tensors = await readSafetensors(join(dir, "optimizer.safetensors"));
  const pick = (prefix: string): Params => {
    const host: HostParams = {};
    for (const name of Object.keys(model.params)) {
      const t = tensors.get(`${prefix}.${name}`);
      if (!t)
        throw new Error(`loadCheckpoint: ${dir}/optimizer.safetensors lacks ${prefix}.${name}`);
      host[name] = t;
    }
    return uploadParams(host, dtype);
  };
  return { model, optimizer: { step: state.step, m: pick("m"), v: pick("v") }, state };
}

/** The newest checkpoint-<step> directory under `runDir`, or null. */
export async function latestCheckpoint(runDir: string): Promise<string | null> {
  if (!existsSync(runDir)) return null;
  const steps = (await readdir(runDir))
    .map((n) => /^checkpoint-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
  return steps.length > 0 ? join(runDir, `checkpoint-${steps[0]}`) : null;
}
