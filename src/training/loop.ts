// The optimisation loop shared by DPO and SFT: data order, accumulation, AdamW with the
// schedule, one log line and one JSONL record per step, periodic eval, checkpoints every N
// steps and on interrupt, and exact resume from a checkpoint.
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../common/logger.js";
import { createProgress } from "../common/progress.js";
import { tree } from "../engine/index.js";
import { saveModel } from "../model/io.js";
import type { Model } from "../model/model.js";
import type { Params } from "../model/params.js";
import type { Tokenizer } from "../model/tokenizer.js";
import { type Checkpoint, saveCheckpoint, type TrainerState } from "./checkpoint.js";
import type { TrainConfig } from "./config.js";
import { formatStepLine, type Metrics, MetricsWriter } from "./metrics.js";
import {
  type AdamWState,
  addGrads,
  applyAdamW,
  compileAdamW,
  initAdamW,
  learningRate,
} from "./optimizer.js";

/** What one kind of training (DPO or SFT) supplies to the loop. */
export interface LoopTask {
  /** micro-batches of example indices for an epoch, in order */
  plan(epoch: number): number[][];
  /** forward and backward over the micro-batches of one optimizer step; consumes nothing */
  runStep(params: Params, micro: number[][]): Promise<StepOutput>;
  /** held-out metrics (unprefixed), or null when there is no eval split */
  evaluate(model: Model): Promise<Metrics | null>;
  /** frees compiled functions */
  dispose(): void;
}

/** Gradients and numbers of one optimizer step. */
export interface StepOutput {
  grads: Params;
  metrics: Metrics;
  /** input tokens processed */
  tokens: number;
  /** sequences forwarded */
  sequences: number;
}

/** Per-step record handed to `onStep`. */
export type StepRecord = Metrics & { step: number };

/** Options of `runLoop`. */
export interface LoopOptions {
  config: TrainConfig;
  policy: Model;
  tokenizer: Tokenizer;
  logger: Logger;
  onStep?: (record: StepRecord) => void;
  /** called every `evalEvery` steps (not after the last) with the live policy; do not dispose it */
  onEval?: (step: number, model: Model) => Promise<void>;
  /** show a progress bar (on a terminal) */
  progress?: boolean;
  /** stop after the current step, writing a checkpoint */
  signal?: AbortSignal;
  resumeFrom?: Checkpoint;
}

/** Result of a training run. */
export interface TrainResult {
  /** the trained policy (parameters on the engine) */
  model: Model;
  steps: number;
  interrupted: boolean;
  history: StepRecord[];
  /** the last eval metrics, eval_-prefixed */
  evalMetrics: Metrics | null;
  outputDir?: string;
}

/** A stable hash of the settings that shape a run (output paths excluded). */
export function configHash(config: TrainConfig): string {
  const { output: _output, ...rest } = config;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex").slice(0, 16);
}

/** Runs the loop to the end, to maxSteps, or until `signal` aborts. */
export async function runLoop(task: LoopTask, options: LoopOptions): Promise<TrainResult> {
  const { config, policy, tokenizer, logger } = options;
  const t = config.training;
  const dir = config.output.dir;

  // the plan of every epoch fixes the number of optimizer steps
  const plans = Array.from({ length: t.epochs }, (_, e) => task.plan(e));
  const stepsPerEpoch = plans.map((p) => Math.ceil(p.length / t.gradAccum));
  let totalSteps = stepsPerEpoch.reduce((a, b) => a + b, 0);
  if (t.maxSteps !== undefined) totalSteps = Math.min(totalSteps, t.maxSteps);

  // resume where the checkpoint stopped, or start fresh
  const hash = configHash(config);
  let state: TrainerState = {
    step: 0,
    epoch: 0,
    batch: 0,
    totalSteps,
    seed: t.seed,
    configHash: hash,
  };
  let optimizer: AdamWState;
  if (options.resumeFrom) {
    if (options.resumeFrom.state.configHash !== hash) {
      throw new Error(
        "resume: the checkpoint was written with a different training config; resume with the run's own train_config.json",
      );
    }
    state = { ...options.resumeFrom.state };
    optimizer = options.resumeFrom.optimizer;
  } else {
    optimizer = initAdamW(policy.params);
  }
  const writer = dir ? new MetricsWriter(join(dir, "metrics.jsonl")) : null;
  if (dir) {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "train_config.json"), `${JSON.stringify(config, null, 2)}\n`);
    await writer!.open(options.resumeFrom ? state.step : undefined);
  }
  const adamw = {
    beta1: t.adamBeta1,
    beta2: t.adamBeta2,
    eps: t.adamEps,
    weightDecay: t.weightDecay,
    maxGradNorm: t.maxGradNorm,
  };
  const update = compileAdamW(adamw);
  const progress = options.progress ? createProgress({ label: "steps", total: totalSteps }) : null;
  progress?.tick(state.step);
  const history: StepRecord[] = [];
  let evalMetrics: Metrics | null = null;
  let interrupted = false;

  const checkpoint = async () => {
    if (!dir) return;
    const at = join(dir, `checkpoint-${state.step}`);
    await saveCheckpoint(at, policy, tokenizer, optimizer, state);
    logger.info(`saved checkpoint ${at}`);
  };
  const runEval = async (step: number) => {
    const m = await task.evaluate(policy);
    if (!m) return null;
    const prefixed = Object.fromEntries(Object.entries(m).map(([k, v]) => [`eval_${k}`, v]));
    evalMetrics = prefixed;
    await writer?.write({ step, ...prefixed });
    return prefixed;
  };

  try {
    while (state.step < totalSteps && state.epoch < t.epochs) {
      const plan = plans[state.epoch];
      const micro = plan.slice(state.batch, state.batch + t.gradAccum);
      const started = performance.now();

      // forward and backward over the step's micro-batches
      const out = await task.runStep(policy.params, micro);

      // clip, schedule and update
      const lr = learningRate(state.step, t.learningRate, t.warmupSteps, totalSteps, t.minLrRatio);
      const gradNorm = await applyAdamW(update, policy.params, out.grads, optimizer, lr, adamw);
      const ms = performance.now() - started;

      // advance the data position
      state.step += 1;
      state.batch += micro.length;
      if (state.batch >= plan.length) {
        state.epoch += 1;
        state.batch = 0;
      }
      const record: StepRecord = {
        step: state.step,
        epoch: state.epoch + state.batch / Math.max(1, plans[state.epoch]?.length ?? 1),
        ...out.metrics,
        grad_norm: gradNorm,
        lr,
        step_ms: ms,
        "tokens/s": (1000 * out.tokens) / ms,
        sequences: out.sequences,
      };
      if (t.evalEvery > 0 && state.step % t.evalEvery === 0 && state.step < totalSteps) {
        Object.assign(record, await runEval(state.step));
        await options.onEval?.(state.step, policy);
      }
      history.push(record);
      await writer?.write(record);
      logger.info(formatStepLine(state.step, totalSteps, record));
      progress?.tick(1, `loss ${record.loss?.toFixed(4)}`);
      options.onStep?.(record);

      if (t.saveEvery > 0 && state.step % t.saveEvery === 0) await checkpoint();
      if (options.signal?.aborted) {
        interrupted = true;
        if (!(t.saveEvery > 0 && state.step % t.saveEvery === 0)) await checkpoint();
        logger.warn(
          dir
            ? `interrupted at step ${state.step}; continue with --resume`
            : `interrupted at step ${state.step}; nothing saved (no output.dir)`,
        );
        break;
      }
    }
    if (!interrupted) {
      const final = await runEval(state.step);
      if (final) logger.info(formatStepLine(state.step, totalSteps, final));
      if (dir) {
        await saveModel(policy, join(dir, "final"), tokenizer);
        logger.info(`saved model ${join(dir, "final")}`);
      }
    }
  } finally {
    progress?.done();
    tree.dispose([optimizer.m, optimizer.v]);
    task.dispose();
  }
  return { model: policy, steps: state.step, interrupted, history, evalMetrics, outputDir: dir };
}

/** Gradient accumulation over micro-batches: sums gradient trees as they arrive. */
export function accumulate(total: Params | null, grads: Params): Params {
  return total ? addGrads(total, grads) : grads;
}
