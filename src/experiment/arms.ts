// The arms of the experiment and how each turns the same annotation effort into DPO pairs.
// One unit of effort is one annotated answer: for the span arms (chain, chain-all, rewrite)
// an answer marked with spans, comments and fixes; for the A/B arm one whole-answer judgment
// between two sampled answers. The span arms share the very same annotations; they differ
// only in which drafts of each improvement chain they pair up.
import { buildChain } from "../chains/build.js";
import { createSuggestionReviser } from "../chains/suggestion-reviser.js";
import type { Chain } from "../chains/types.js";
import type { FeedbackRecord } from "../feedback/schema.js";
import { makeAbPair } from "../pairs/ab.js";
import { type ChainPairStrategy, pairsFromChain } from "../pairs/build.js";
import type { PreferencePair } from "../pairs/types.js";
import type { AbJudgment } from "./annotator.js";
import type { Arm } from "./config.js";
import type { TaskPrompt } from "./world.js";

/** One span-annotated answer: the task prompt, the sampled answer and the feedback record. */
export interface AnnotatedAnswer {
  prompt: TaskPrompt;
  record: FeedbackRecord;
}

/** One A/B judgment between two sampled answers to the same prompt. */
export interface AbComparison {
  prompt: TaskPrompt;
  id: string;
  a: string;
  b: string;
  judgment: AbJudgment;
}

/** The pairs of one arm and what they were made from. */
export interface ArmPairs {
  arm: Arm;
  /** units of annotation effort spent */
  annotated: number;
  pairs: PreferencePair[];
  /** pairs dropped because chosen and rejected were the same text */
  noOps: number;
  /** chains that stopped before their last disliked span */
  stoppedChains: number;
}

/** Builds the improvement chain of every annotated answer with the suggestion reviser. */
export async function buildChains(answers: readonly AnnotatedAnswer[]): Promise<Chain[]> {
  const reviser = createSuggestionReviser();
  const chains: Chain[] = [];
  for (const a of answers) chains.push(await buildChain(a.record, reviser));
  return chains;
}

/**
 * The pairs of `arm` from the first `budget` units of effort: chains (built from the first
 * `budget` annotated answers, in order) for the span arms, comparisons for `ab`.
 */
export function pairsForArm(
  arm: Arm,
  budget: number,
  chains: readonly Chain[],
  comparisons: readonly AbComparison[],
): ArmPairs {
  const pairs: PreferencePair[] = [];
  let noOps = 0;
  let stoppedChains = 0;
  if (arm === "ab") {
    for (const c of comparisons.slice(0, budget)) {
      if (c.a === c.b) {
        noOps++;
        continue;
      }
      const a = { id: `${c.id}:a`, prompt: c.prompt.text, response: c.a };
      const b = { id: `${c.id}:b`, prompt: c.prompt.text, response: c.b };
      pairs.push(c.judgment.winner === "a" ? makeAbPair(a, b) : makeAbPair(b, a));
    }
    return { arm, annotated: Math.min(budget, comparisons.length), pairs, noOps, stoppedChains };
  }
  const strategy: ChainPairStrategy = arm === "chain-edit" || arm === "chain-nll" ? "chain" : arm;
  for (const chain of chains.slice(0, budget)) {
    if (chain.status === "stopped") stoppedChains++;
    for (const p of pairsFromChain(chain, strategy)) {
      if (p.chosen === p.rejected) noOps++;
      else pairs.push(p);
    }
  }
  return { arm, annotated: Math.min(budget, chains.length), pairs, noOps, stoppedChains };
}
