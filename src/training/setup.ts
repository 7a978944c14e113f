// What every run needs before its first step: the parsed config, the tokenizer, the starting
// model (copied, so the caller's stays untouched) and a checkpoint to resume from; every
// problem is reported here, before any training.
import { join } from "node:path";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import { initEngine } from "../engine/index.js";
import { checkTokenizerFits, loadModel } from "../model/io.js";
import type { Model } from "../model/model.js";
import { downloadParams, uploadParams } from "../model/params.js";
import { loadTokenizer, type Tokenizer } from "../model/tokenizer.js";
import { type Checkpoint, latestCheckpoint, loadCheckpoint } from "./checkpoint.js";
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from "./config.js";
import type { StepRecord } from "./loop.js";

/** Options shared by `trainDpo` and `trainSft`. */
export interface TrainOptions {
  /** starting model; otherwise loaded from config.model.path (never modified) */
  model?: Model;
  /** tokenizer; otherwise loaded from config.model.path */
  tokenizer?: Tokenizer;
  logger?: Logger;
  onStep?: (record: StepRecord) => void;
  /** called every `training.evalEvery` steps (not after the last) with the live policy */
  onEval?: (step: number, model: Model) => Promise<void>;
  progress?: boolean;
  signal?: AbortSignal;
  /** a checkpoint directory, or true for the newest one in the output directory */
  resume?: string | boolean;
}

/** The resolved pieces of a run. */
export interface RunSetup {
  config: TrainConfig;
  logger: Logger;
  tokenizer: Tokenizer;
  /** the starting model as given or loaded */
  start: Model;
  /** the model that will be trained: a copy of `start` or the checkpoint's */
  policy: Model;
  resumeFrom?: Checkpoint;
  maxLength: number;
}

/** Copies a model's parameters into a new model. */
export async function cloneModel(model: Model): Promise<Model> {
  const dtype = Object.values(model.params)[0].dtype;
  return { config: model.config, params: uploadParams(await downloadParams(model.params), dtype) };
}

/** Parses the config and loads model, tokenizer and checkpoint; throws on any mismatch. */
export async function setupRun(
  input: TrainConfigInput | TrainConfig,
  options: TrainOptions,
): Promise<RunSetup> {
  await initEngine();
  const config = parseTrainConfig(input);
  const logger = options.logger ?? silentLogger;
  const path = config.model.path;
  if (!options.model && !path) {
    throw new Error(
      "train: no model; set model.path to a model directory (config.json, model.safetensors)",
    );
  }
  const tokenizer = options.tokenizer ?? (await loadTokenizer(path ?? "."));
  const start = options.model ?? (await loadModel(path!));
  checkTokenizerFits(start, tokenizer, path ? join(path, "tokenizer.json") : "train");
  const maxLength = config.data.maxLength ?? start.config.maxPositions;
  if (maxLength > start.config.maxPositions) {
    throw new Error(
      `train: data.maxLength ${maxLength} exceeds the model's context length ${start.config.maxPositions}; lower data.maxLength`,
    );
  }
  let resumeFrom: Checkpoint | undefined;
  if (options.resume) {
    const dir =
      options.resume === true
        ? config.output.dir
          ? await latestCheckpoint(config.output.dir)
          : null
        : options.resume;
    if (!dir) {
      throw new Error(
        `resume: no checkpoint-<step> directory in ${config.output.dir ?? "(no output.dir)"}; start without --resume`,
      );
    }
    resumeFrom = await loadCheckpoint(dir);
    logger.info(`resuming from ${dir} at step ${resumeFrom.state.step}`);
  }
  const policy = resumeFrom ? resumeFrom.model : await cloneModel(start);
  return { config, logger, tokenizer, start, policy, resumeFrom, maxLength };
}
