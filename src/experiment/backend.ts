// The experiment's model side on Redline's own trainer: sampling with the KV-cached generator,
// sequence log-probabilities for the implicit reward, and DPO from the base checkpoint, with
// learning-curve points taken from the live policy every `evalEvery` steps.
import type { Logger } from "../common/logger.js";
import { initEngine } from "../engine/index.js";
import { generate } from "../model/generate.js";
import { loadModel } from "../model/io.js";
import { disposeModel, type Model } from "../model/model.js";
import { countParams } from "../model/params.js";
import { loadTokenizer, type Tokenizer } from "../model/tokenizer.js";
import type { PreferencePair } from "../pairs/types.js";
import { sequenceLogps, trainDpo } from "../training/dpo.js";
import type { ExperimentConfig } from "./config.js";
import type { PairScorer, Sampler } from "./evaluate.js";
import type { DpoSettings, ExperimentBackend } from "./run.js";

/** Options of `createTrainerBackend`. */
export interface TrainerBackendOptions {
  logger: Logger;
  config: Pick<ExperimentConfig, "temperature" | "maxNewTokens">;
  /** rows per generation batch; default 64 */
  sampleBatch?: number;
}

/** Loads the base checkpoint and tokenizer from `modelDir` and wraps them as a backend. */
export async function createTrainerBackend(
  modelDir: string,
  options: TrainerBackendOptions,
): Promise<ExperimentBackend> {
  await initEngine();
  const base = await loadModel(modelDir);
  const tokenizer = await loadTokenizer(modelDir);
  const c = base.config;
  const quiet = warningsOnly(options.logger);

  const sampler =
    (model: Model): Sampler =>
    async (prompts, seed) => {
      const texts = prompts.map((p) => tokenizer.formatPrompt(p));
      const out = await generate(model, tokenizer, texts, {
        maxNewTokens: options.config.maxNewTokens,
        temperature: options.config.temperature,
        seed,
        batchSize: options.sampleBatch ?? 64,
      });
      return out.map((g) => g.text);
    };
  const scorer =
    (model: Model): PairScorer =>
    async (pairs) => {
      if (pairs.length === 0) return { chosen: [], rejected: [] };
      const v = await sequenceLogps(model, tokenizer, pairs, { batchSize: 32 });
      return { chosen: Array.from(v.chosen), rejected: Array.from(v.rejected) };
    };

  return {
    model: {
      dir: modelDir,
      params: countParams(c),
      description: `${c.arch} ${c.layers} layers × ${c.hidden} wide, ${c.heads} heads, vocabulary ${c.vocabSize}`,
    },
    sampleBase: sampler(base),
    scoreBase: scorer(base),
    trainDpo: (pairs, settings, seed, checkpoint) =>
      runDpo(base, tokenizer, pairs, settings, seed, quiet, async (step, model, last) => {
        await checkpoint({ step, last }, sampler(model), scorer(model));
      }),
    dispose: () => disposeModel(base),
  };
}

async function runDpo(
  base: Model,
  tokenizer: Tokenizer,
  pairs: PreferencePair[],
  settings: DpoSettings,
  seed: number,
  logger: Logger,
  visit: (step: number, model: Model, last: boolean) => Promise<void>,
): Promise<{ steps: number }> {
  // a fixed step count becomes enough epochs plus a step cap
  const perEpoch = Math.ceil(pairs.length / settings.batchSize);
  const epochs = settings.steps ? Math.ceil(settings.steps / perEpoch) : settings.epochs;
  const result = await trainDpo(
    {
      mode: "dpo",
      data: { mask: settings.mask },
      training: {
        beta: settings.beta,
        rpoAlpha: settings.rpoAlpha,
        learningRate: settings.learningRate,
        batchSize: settings.batchSize,
        epochs,
        maxSteps: settings.steps,
        seed,
        evalEvery: settings.evalEvery,
      },
    },
    {
      model: base,
      tokenizer,
      reference: base,
      pairs,
      logger,
      // learning-curve points with the live policy
      onEval: (step, model) => visit(step, model, false),
    },
  );
  try {
    await visit(result.steps, result.model, true);
  } finally {
    disposeModel(result.model);
  }
  return { steps: result.steps };
}

function warningsOnly(logger: Logger): Logger {
  return { debug() {}, info() {}, warn: (m) => logger.warn(m), error: (m) => logger.error(m) };
}
