// Evaluation of a tuned model on the held-out side of the task: the checker's error rate on
// sampled answers to held-out prompts, and preference accuracy and reward margins on held-out
// pairs of each kind (implicit reward β·log πθ/πref; Rafailov et al. 2023, eq. 5).

import { type PairLogps, preferenceMetrics } from "../evaluation/preference.js";
import type { EvalMetrics } from "../evaluation/results.js";
import type { PreferencePair } from "../pairs/types.js";
import { annotateAnswer, judgeAb, NOISELESS } from "./annotator.js";
import { type AbComparison, buildChains, pairsForArm } from "./arms.js";
import { type CheckResult, checkAnswer, errorRate, tallyChecks } from "./checker.js";
import type { EvalPairKind } from "./config.js";
import { createRng } from "./rng.js";
import type { TaskPrompt, World } from "./world.js";

/** Samples answers to prompt texts (one per entry, in order). */
export type Sampler = (prompts: string[], seed: number) => Promise<string[]>;

/** Summed log-probabilities of each pair's chosen and rejected completion. */
export type PairScorer = (
  pairs: PreferencePair[],
) => Promise<{ chosen: number[]; rejected: number[] }>;

/** The fixed held-out data every model is measured on. */
export interface HeldOutSet {
  /** prompts whose sampled answers the checker scores */
  prompts: TaskPrompt[];
  /** held-out pairs by kind, from noise-free annotations of base-model answers */
  pairs: Record<EvalPairKind, PreferencePair[]>;
  /** reference (base model) log-probabilities of those pairs */
  reference: Record<EvalPairKind, { chosen: number[]; rejected: number[] }>;
}

/** Options of `buildHeldOutSet`. */
export interface HeldOutOptions {
  world: World;
  /** prompts for the error rate */
  prompts: TaskPrompt[];
  /** other held-out prompts whose base answers become held-out pairs */
  pairPrompts: TaskPrompt[];
  seed: number;
  sample: Sampler;
  scoreReference: PairScorer;
}

/**
 * Builds the held-out pairs: two base answers per pair prompt; the first is annotated without
 * noise and turned into chain and rewrite pairs, and the two are compared without noise into
 * an A/B pair when their error counts differ.
 */
export async function buildHeldOutSet(options: HeldOutOptions): Promise<HeldOutSet> {
  const { world, pairPrompts } = options;
  const texts = pairPrompts.map((p) => p.text);
  const first = await options.sample(texts, options.seed);
  const second = await options.sample(texts, options.seed + 1);
  const rng = createRng(options.seed).fork("held-out");
  const answers = pairPrompts.map((prompt, i) => ({
    prompt,
    record: annotateAnswer(prompt, first[i], { id: `eval${i}`, world, noise: NOISELESS, rng }),
  }));
  const comparisons: AbComparison[] = [];
  pairPrompts.forEach((prompt, i) => {
    const judgment = judgeAb(prompt, first[i], second[i], NOISELESS, rng);
    if (judgment.errorsA !== judgment.errorsB) {
      comparisons.push({ prompt, id: `eval${i}`, a: first[i], b: second[i], judgment });
    }
  });
  const chains = await buildChains(answers);
  const n = pairPrompts.length;
  const pairs: Record<EvalPairKind, PreferencePair[]> = {
    chain: pairsForArm("chain", n, chains, []).pairs,
    rewrite: pairsForArm("rewrite", n, chains, []).pairs,
    ab: pairsForArm("ab", n, [], comparisons).pairs,
  };
  const reference = {
    chain: await options.scoreReference(pairs.chain),
    rewrite: await options.scoreReference(pairs.rewrite),
    ab: await options.scoreReference(pairs.ab),
  };
  return { prompts: options.prompts, pairs, reference };
}

/** Options of `evaluateModel`. */
export interface EvaluateOptions {
  heldOut: HeldOutSet;
  sample: Sampler;
  score: PairScorer;
  /** sampling seed; the same for every arm so that arms see the same random draws */
  seed: number;
  samplesPerPrompt: number;
  beta: number;
}

/** Scores one model on the held-out set. */
export async function evaluateModel(options: EvaluateOptions): Promise<EvalMetrics> {
  const { heldOut } = options;

  // error rate of sampled answers
  const checks: CheckResult[] = [];
  for (let s = 0; s < options.samplesPerPrompt; s++) {
    const answers = await options.sample(
      heldOut.prompts.map((p) => p.text),
      options.seed * 1000 + s,
    );
    for (const [i, p] of heldOut.prompts.entries()) checks.push(checkAnswer(p, answers[i]));
  }
  const tally = tallyChecks(checks);

  // preference accuracy on held-out pairs
  const preference: EvalMetrics["preference"] = {};
  for (const kind of Object.keys(heldOut.pairs) as EvalPairKind[]) {
    const pairs = heldOut.pairs[kind];
    const policy = await options.score(pairs);
    const ref = heldOut.reference[kind];
    const logps: PairLogps[] = pairs.map((_, i) => ({
      policyChosen: policy.chosen[i],
      policyRejected: policy.rejected[i],
      refChosen: ref.chosen[i],
      refRejected: ref.rejected[i],
    }));
    preference[kind] = preferenceMetrics(logps, options.beta);
  }
  return {
    errorRate: errorRate(tally),
    factErrorRate: tally.facts > 0 ? tally.wrongFacts / tally.facts : 0,
    phrasingRate: tally.expected > 0 ? tally.poorPhrasing / tally.expected : 0,
    cleanShare: tally.answers > 0 ? tally.clean / tally.answers : 0,
    preference,
  };
}
