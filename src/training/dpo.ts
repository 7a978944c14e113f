// Direct preference optimisation (Rafailov et al. 2023) and its variants on preference pairs:
// reference log-probs once (cached), then chain-aware batches through the shared loop.
import { dirname, join } from "node:path";
import { np, tree } from "../engine/index.js";
import { checkTokenizerFits, loadModel } from "../model/io.js";
import type { Model } from "../model/model.js";
import type { Params } from "../model/params.js";
import type { Tokenizer } from "../model/tokenizer.js";
import type { PreferencePair } from "../pairs/types.js";
import {
  buildPairBatch,
  type LossMask,
  planBatches,
  type TokenizedPair,
  tokenizePairs,
} from "./batching.js";
import type { TrainConfig, TrainConfigInput } from "./config.js";
import { readPairsFile, splitByGroup } from "./data.js";
import { accumulate, type LoopTask, runLoop, type TrainResult } from "./loop.js";
import { preferenceLoss } from "./losses.js";
import { averageMetrics, type Metrics, preferenceMetrics } from "./metrics.js";
import { computePairLogps, type PairLogpValues, referenceLogps } from "./reference.js";
import { setupRun, type TrainOptions } from "./setup.js";
import { compilePreferenceStep, type LossSettings, uploadBatch } from "./step.js";

/** Options of `trainDpo`: the shared ones plus data and reference. */
export interface TrainDpoOptions extends TrainOptions {
  /** training pairs; otherwise read from config.data.train */
  pairs?: PreferencePair[];
  /** held-out pairs; otherwise config.data.eval or a split by data.evalFraction */
  evalPairs?: PreferencePair[];
  /** frozen reference; otherwise config.model.reference or the starting model */
  reference?: Model;
}

function lossSettings(config: TrainConfig): LossSettings {
  const t = config.training;
  return { type: t.loss, beta: t.beta, labelSmoothing: t.labelSmoothing, rpoAlpha: t.rpoAlpha };
}

/** Trains a policy with a preference loss; returns the trained model and the metrics. */
export async function trainDpo(
  input: TrainConfigInput | TrainConfig,
  options: TrainDpoOptions = {},
): Promise<TrainResult> {
  const setup = await setupRun({ ...input, mode: "dpo" }, options);
  const { config, logger, tokenizer, policy } = setup;

  // data: pairs, held-out split, tokens, all checked before training
  let pairs = options.pairs ?? (config.data.train ? await readPairsFile(config.data.train) : null);
  if (!pairs) throw new Error("trainDpo: no pairs; set data.train to a pairs JSONL file");
  if (pairs.length === 0)
    throw new Error(`trainDpo: ${config.data.train ?? "pairs"} is empty; export pairs first`);
  let evalPairs =
    options.evalPairs ?? (config.data.eval ? await readPairsFile(config.data.eval) : []);
  if (!options.evalPairs && !config.data.eval && config.data.evalFraction > 0) {
    const split = splitByGroup(
      pairs,
      (p) => p.source_id ?? p.id,
      config.data.evalFraction,
      config.training.seed,
    );
    if (split.train.length === 0) {
      const chains = new Set(split.held.map((p) => p.source_id ?? p.id)).size;
      throw new Error(
        `trainDpo: data.evalFraction ${config.data.evalFraction} holds out all ${chains} chains, leaving no training pairs; lower it, set it to 0, or pass data.eval`,
      );
    }
    pairs = split.train;
    evalPairs = split.held;
  }
  const tokOptions = { mask: config.data.mask as LossMask, maxLength: setup.maxLength };
  const train = tokenizePairs(pairs, tokenizer, { ...tokOptions, source: config.data.train });
  const held = tokenizePairs(evalPairs, tokenizer, { ...tokOptions, source: config.data.eval });
  logger.info(
    `dpo: ${train.length} train pairs, ${held.length} eval pairs, loss ${config.training.loss}`,
  );

  // reference log-probs, once per reference model and pair
  const reference =
    options.reference ??
    (config.model.reference ? await loadModel(config.model.reference) : setup.start);
  const referenceName = `trainDpo: reference ${config.model.reference ?? "model"}`;
  checkTokenizerFits(reference, tokenizer, referenceName);
  if (reference.config.maxPositions < setup.maxLength) {
    throw new Error(
      `${referenceName}: context length ${reference.config.maxPositions} is shorter than data.maxLength ${setup.maxLength}; lower data.maxLength or use a reference with the policy's context`,
    );
  }
  const cacheDir =
    config.output.refCache ??
    (config.output.dir ? join(dirname(config.output.dir), ".ref-cache") : undefined);
  const refOptions = {
    batchSize: config.training.batchSize,
    padId: tokenizer.padTokenId,
    cacheDir,
  };
  const ref = await referenceLogps(reference, [...train, ...held], refOptions);
  logger.info(
    `dpo: reference log-probs ready (${ref.computed} computed, ${train.length + held.length - ref.computed} cached)`,
  );
  const refTrain = {
    chosen: ref.chosen.subarray(0, train.length),
    rejected: ref.rejected.subarray(0, train.length),
  };
  const refHeld = {
    chosen: ref.chosen.subarray(train.length),
    rejected: ref.rejected.subarray(train.length),
  };

  const task = preferenceTask(config, policy, tokenizer, train, refTrain, held, refHeld);
  return runLoop(task, {
    ...options,
    config,
    policy,
    tokenizer,
    logger,
    resumeFrom: setup.resumeFrom,
  });
}

function preferenceTask(
  config: TrainConfig,
  policy: Model,
  tokenizer: Tokenizer,
  train: TokenizedPair[],
  refTrain: PairLogpValues,
  held: TokenizedPair[],
  refHeld: PairLogpValues,
): LoopTask {
  const t = config.training;
  const settings = lossSettings(config);
  const step = compilePreferenceStep(policy.config, settings);
  const dtype = Object.values(policy.params)[0].dtype;
  return {
    plan: (epoch) => planBatches(train, t.batchSize, t.seed * 1000 + epoch),
    async runStep(params, micro) {
      const total = micro.reduce((n, m) => n + m.length, 0);
      let grads: Params | null = null;
      const parts: Metrics[] = [];
      let loss = 0;
      let tokens = 0;
      let sequences = 0;
      for (const indices of micro) {
        const b = buildPairBatch(
          indices.map((i) => train[i]),
          {
            chainAware: t.chainAware,
            padId: tokenizer.padTokenId,
            maxT: policy.config.maxPositions,
          },
        );
        const rc = indices.map((i) => refTrain.chosen[i]);
        const rr = indices.map((i) => refTrain.rejected[i]);
        const batch = uploadBatch(b, rc, rr, 1 / total, dtype);
        const [[l, aux], g] = step(tree.ref(params), batch);
        grads = accumulate(grads, g as Params);
        loss += (await l.data())[0];
        const pc = Array.from((await aux.chosen.data()) as Float32Array).slice(0, b.pairs);
        const pr = Array.from((await aux.rejected.data()) as Float32Array).slice(0, b.pairs);
        aux.losses.dispose();
        parts.push(preferenceMetrics(pc, pr, rc, rr, t.beta));
        tokens += b.tokens;
        sequences += b.sequences;
      }
      const metrics = {
        loss,
        ...averageMetrics(
          parts,
          micro.map((m) => m.length),
        ),
      };
      return { grads: grads!, metrics, tokens, sequences };
    },
    async evaluate(model) {
      if (held.length === 0) return null;
      return evaluatePairs(model, held, refHeld, settings, {
        batchSize: t.batchSize,
        padId: tokenizer.padTokenId,
      });
    },
    dispose() {},
  };
}

/** Loss and implicit-reward metrics of `model` on tokenized pairs against reference log-probs. */
export async function evaluatePairs(
  model: Model,
  pairs: TokenizedPair[],
  ref: PairLogpValues,
  settings: LossSettings,
  options: { batchSize: number; padId: number },
): Promise<Metrics> {
  const policy = await computePairLogps(model, pairs, options);
  const dtype = Object.values(model.params)[0].dtype;
  const arr = (a: Float64Array) =>
    np.array(dtype === np.float64 ? a : Float32Array.from(a), { dtype });
  const losses = preferenceLoss(
    {
      policyChosen: arr(policy.chosen),
      policyRejected: arr(policy.rejected),
      refChosen: arr(ref.chosen),
      refRejected: arr(ref.rejected),
    },
    settings,
  );
  let loss = (await losses.mean().data())[0];

  // the RPO term, as in training: α times the mean per-token NLL of the counted chosen tokens
  if (settings.rpoAlpha > 0) {
    let nll = 0;
    pairs.forEach((p, i) => {
      nll -= policy.chosen[i] / Math.max(1, p.chosen.length - p.chosenStart);
    });
    loss += (settings.rpoAlpha * nll) / Math.max(1, pairs.length);
  }
  return {
    loss,
    ...preferenceMetrics(policy.chosen, policy.rejected, ref.chosen, ref.rejected, settings.beta),
  };
}

/** Options of `sequenceLogps`. */
export interface SequenceLogpsOptions {
  /** which completion tokens count; default "completion" */
  mask?: LossMask;
  batchSize?: number;
  maxLength?: number;
}

/**
 * Summed log-probs of each pair's chosen and rejected completion under `model` (the prompt
 * formatted by the tokenizer's chat template); implicit rewards are β times the difference
 * of these between policy and reference.
 */
export async function sequenceLogps(
  model: Model,
  tokenizer: Tokenizer,
  pairs: PreferencePair[],
  options: SequenceLogpsOptions = {},
): Promise<PairLogpValues> {
  const tokenized = tokenizePairs(pairs, tokenizer, {
    mask: options.mask ?? "completion",
    maxLength: options.maxLength ?? model.config.maxPositions,
  });
  return computePairLogps(model, tokenized, {
    batchSize: options.batchSize ?? 16,
    padId: tokenizer.padTokenId,
  });
}
