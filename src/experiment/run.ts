// The experiment loop: for each seed, sample answers from the base model, annotate them with
// the simulated annotator, build chains and the pairs of every arm at equal annotation effort,
// train one DPO model per arm and budget, and evaluate it on held-out prompts and pairs along
// the way. The model work goes through an ExperimentBackend, so the loop itself is plain data.
import type { Logger } from "../common/logger.js";
import { createProgress, type Progress } from "../common/progress.js";
import type {
  CurvePoint,
  EvalMetrics,
  ExperimentResult,
  RunResult,
} from "../evaluation/results.js";
import type { FeedbackRecord } from "../feedback/schema.js";
import type { PreferencePair } from "../pairs/types.js";
import { annotateAnswer, judgeAb } from "./annotator.js";
import { type AbComparison, type AnnotatedAnswer, buildChains, pairsForArm } from "./arms.js";
import type { Arm, ExperimentConfig } from "./config.js";
import { buildHeldOutSet, evaluateModel, type PairScorer, type Sampler } from "./evaluate.js";
import { createRng } from "./rng.js";
import { samplePrompts, splitTask, type TaskSpec } from "./task.js";

/** DPO settings handed to the backend (those of the config, resolved). */
export type DpoSettings = ExperimentConfig["dpo"];

/**
 * Called by the backend during training with the current policy's sampler and scorer: every
 * `evalEvery` steps, and once more with `last` set after the final step.
 */
export type CheckpointHook = (
  at: { step: number; last: boolean },
  sample: Sampler,
  score: PairScorer,
) => Promise<void>;

/** The model side of the experiment: sampling, scoring and DPO from the base checkpoint. */
export interface ExperimentBackend {
  model: { dir: string; params: number; description: string };
  /** samples from the base model */
  sampleBase: Sampler;
  /** log-probabilities under the base model (the DPO reference) */
  scoreBase: PairScorer;
  /**
   * Trains a fresh copy of the base model by DPO on `pairs` (the base is the reference), calling
   * `checkpoint` every `settings.evalEvery` steps and after the last step (with `last` set).
   * Returns the steps run.
   */
  trainDpo(
    pairs: PreferencePair[],
    settings: DpoSettings,
    seed: number,
    checkpoint: CheckpointHook,
  ): Promise<{ steps: number }>;
  /** frees the models and compiled functions */
  dispose?(): void;
}

/** Options of `runExperiment`. */
export interface RunExperimentOptions {
  config: ExperimentConfig;
  task: TaskSpec;
  backend: ExperimentBackend;
  logger: Logger;
  /** progress display; default one on stderr */
  progress?: Progress;
  /** receives each seed's span-annotated records (to keep them beside the report) */
  onAnnotated?: (seed: number, records: FeedbackRecord[]) => Promise<void>;
}

/** Runs every seed, arm and budget and returns what was measured (the report is separate). */
export async function runExperiment(options: RunExperimentOptions): Promise<ExperimentResult> {
  const { config, backend, logger } = options;
  const started = Date.now();
  const split = splitTask(options.task);
  const budgets = [...config.annotated].sort((a, b) => a - b);
  const maxBudget = budgets[budgets.length - 1];
  const mainBudget = maxBudget;
  const totalRuns = config.seeds.length * config.arms.length * budgets.length;
  const progress =
    options.progress ??
    createProgress({ label: "dpo runs", total: totalRuns, intervalSeconds: 15 });

  // held-out prompts and pairs, the same for every seed and arm
  const evalRng = createRng(options.task.worldSeed).fork("held-out");
  const evalPrompts = samplePrompts(split.spec, split.heldOut, config.heldOutPrompts, evalRng, "h");
  const pairPrompts = samplePrompts(
    split.spec,
    split.heldOut,
    config.heldOutAnswers,
    evalRng,
    "hp",
  );
  logger.info(`held-out: ${evalPrompts.length} prompts, pairs from ${pairPrompts.length} answers`);
  const heldOut = await buildHeldOutSet({
    world: split.world,
    prompts: evalPrompts,
    pairPrompts,
    seed: options.task.worldSeed,
    sample: backend.sampleBase,
    scoreReference: backend.scoreBase,
  });
  const notes = [
    "The annotator is a simulation: a program that marks the checker's findings, with noise.",
    "Equal annotation effort: one unit is one span-annotated answer (chain, rewrite and " +
      "chain-all arms share the same annotations) or one A/B judgment between two answers.",
    "Every arm trains with the same DPO settings and number of epochs, so arms with more " +
      "pairs take more optimizer steps; the learning curves show each arm against steps.",
    `Held-out pairs: ${heldOut.pairs.chain.length} chain, ${heldOut.pairs.rewrite.length} ` +
      `rewrite, ${heldOut.pairs.ab.length} A/B (noise-free labels, base-model answers).`,
  ];

  const base: ExperimentResult["base"] = [];
  const runs: RunResult[] = [];
  for (const seed of config.seeds) {
    const rng = createRng(seed);

    // annotation: one span-annotated answer and one A/B judgment per training prompt
    const prompts = samplePrompts(
      split.spec,
      split.train,
      maxBudget,
      rng.fork("prompts"),
      `s${seed}p`,
    );
    const texts = prompts.map((p) => p.text);
    const first = await backend.sampleBase(texts, seed * 7919 + 1);
    const second = await backend.sampleBase(texts, seed * 7919 + 2);
    const noiseRng = rng.fork("annotator");
    const answers: AnnotatedAnswer[] = prompts.map((prompt, i) => ({
      prompt,
      record: annotateAnswer(prompt, first[i], {
        id: prompt.id,
        world: split.world,
        noise: config.noise,
        rng: noiseRng,
      }),
    }));
    const comparisons: AbComparison[] = prompts.map((prompt, i) => ({
      prompt,
      id: prompt.id,
      a: first[i],
      b: second[i],
      judgment: judgeAb(prompt, first[i], second[i], config.noise, noiseRng),
    }));
    await options.onAnnotated?.(
      seed,
      answers.map((a) => a.record),
    );
    const chains = await buildChains(answers);
    const disliked = answers.reduce(
      (n, a) => n + a.record.spans.filter((s) => s.label === "disliked").length,
      0,
    );
    logger.info(
      `seed ${seed}: ${answers.length} answers annotated, ${disliked} disliked spans, ` +
        `${comparisons.length} A/B judgments`,
    );

    // the base model's scores with this seed's sampling
    const evalSeed = seed * 104729;
    const baseMetrics = await evaluateModel({
      heldOut,
      sample: backend.sampleBase,
      score: backend.scoreBase,
      seed: evalSeed,
      samplesPerPrompt: config.samplesPerPrompt,
      beta: config.dpo.beta,
    });
    base.push({ seed, metrics: baseMetrics });

    for (const budget of budgets) {
      for (const arm of config.arms) {
        const t0 = Date.now();
        const armPairs = pairsForArm(arm, budget, chains, comparisons);
        const curve: CurvePoint[] = [{ step: 0, metrics: baseMetrics }];
        const withCurve = budget === mainBudget;
        let final: EvalMetrics = baseMetrics;
        let steps = 0;
        if (armPairs.pairs.length > 0) {
          const trained = await backend.trainDpo(
            armPairs.pairs,
            armSettings(arm, config.dpo),
            seed,
            async ({ step, last }, sample, score) => {
              progress.tick(0, `seed ${seed} | ${arm} @${budget} | step ${step}`);
              if (!withCurve && !last) return;
              const metrics = await evaluateModel({
                heldOut,
                sample,
                score,
                seed: evalSeed,
                samplesPerPrompt: config.samplesPerPrompt,
                beta: config.dpo.beta,
              });
              if (last) final = metrics;
              if (curve.at(-1)!.step !== step) curve.push({ step, metrics });
            },
          );
          steps = trained.steps;
        } else {
          logger.warn(
            `seed ${seed}: the ${arm} arm has no pairs at budget ${budget}; kept the base model`,
          );
        }
        const seconds = (Date.now() - t0) / 1000;
        runs.push({
          arm,
          seed,
          annotated: armPairs.annotated,
          pairs: armPairs.pairs.length,
          steps,
          seconds,
          final,
          curve: withCurve ? curve : [curve[0], { step: steps, metrics: final }],
        });
        logger.info(
          `seed ${seed} ${arm} @${budget}: ${armPairs.pairs.length} pairs, ${steps} steps, ` +
            `error rate ${baseMetrics.errorRate.toFixed(3)} → ${final.errorRate.toFixed(3)}, ` +
            `chain-pair acc ${fmt(final.preference.chain?.accuracy)} (${seconds.toFixed(0)} s)`,
        );
        progress.tick(1, `seed ${seed} | ${arm} @${budget} done`);
      }
    }
  }
  progress.done();

  return {
    name: config.name,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    config: { ...config, task: options.task } as Record<string, unknown>,
    model: backend.model,
    base,
    runs,
    notes: [...notes, ...pairNotes(runs)],
  };
}

/** The DPO settings of an arm: the shared ones, with the loss variant of chain-edit/chain-nll. */
export function armSettings(arm: Arm, dpo: DpoSettings): DpoSettings {
  if (arm === "chain-edit") return { ...dpo, mask: "edit" };
  if (arm === "chain-nll") return { ...dpo, rpoAlpha: dpo.rpoAlpha > 0 ? dpo.rpoAlpha : 1 };
  return dpo;
}

function pairNotes(runs: RunResult[]): string[] {
  const arms = [...new Set(runs.map((r) => r.arm))];
  const budget = Math.max(...runs.map((r) => r.annotated));
  return arms.map((arm) => {
    const rs = runs.filter((r) => r.arm === arm && r.annotated === budget);
    const pairs = rs.reduce((s, r) => s + r.pairs, 0) / Math.max(1, rs.length);
    const steps = rs.reduce((s, r) => s + r.steps, 0) / Math.max(1, rs.length);
    return `${arm}: ${pairs.toFixed(1)} pairs and ${steps.toFixed(1)} DPO steps per seed from ${budget} annotated answers.`;
  });
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "n/a" : v.toFixed(3);
}
