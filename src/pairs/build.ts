// Preference pairs from one improvement chain, by strategy: `chain` (each adjacent pair of
// drafts, the later preferred), `chain-all` (every earlier/later pair) and `rewrite` (the
// original against the final draft).
import type { Chain, ChainStep } from "../chains/types.js";
import { diffRanges } from "./diff.js";
import type { PairEdit, PairStrategy, PreferencePair } from "./types.js";

/** The strategies that read chains (`ab` reads whole responses instead). */
export type ChainPairStrategy = Exclude<PairStrategy, "ab">;

/** Every strategy with a one-line description, for `--help` and docs. */
export const pairStrategies: Record<PairStrategy, string> = {
  chain: "each adjacent pair of drafts in a chain, the later one preferred",
  "chain-all": "every earlier/later pair of drafts in a chain, the later one preferred",
  rewrite: "the original response against the chain's final draft",
  ab: "two responses to the same prompt with a whole-answer judgment",
};

/**
 * The pairs of one chain for `strategy`, later drafts preferred. Adjacent pairs take their
 * ranges from the chain edit; other pairs from the common prefix and suffix of the two drafts.
 * No-op pairs (equal texts) are included: the caller drops and counts them.
 */
export function pairsFromChain(chain: Chain, strategy: ChainPairStrategy): PreferencePair[] {
  const steps = chain.steps;
  const last = steps.length - 1;
  const out: PreferencePair[] = [];
  if (last < 1) return out;
  if (strategy === "chain") {
    for (let k = 1; k <= last; k++) out.push(makePair(chain, strategy, k - 1, k));
  } else if (strategy === "chain-all") {
    for (let i = 0; i < last; i++) {
      for (let j = i + 1; j <= last; j++) out.push(makePair(chain, strategy, i, j));
    }
  } else {
    out.push(makePair(chain, strategy, 0, last));
  }
  return out;
}

function makePair(
  chain: Chain,
  strategy: ChainPairStrategy,
  rejectedStep: number,
  chosenStep: number,
): PreferencePair {
  const rejected = chain.steps[rejectedStep];
  const chosen = chain.steps[chosenStep];
  const ranges =
    chosenStep === rejectedStep + 1 && chosen.edit
      ? { rejected_range: chosen.edit.range_before, chosen_range: chosen.edit.range_after }
      : diffRanges(rejected.text, chosen.text);
  return {
    id: `${chain.id}:${strategy}:${rejectedStep}-${chosenStep}`,
    prompt: chain.prompt,
    chosen: chosen.text,
    rejected: rejected.text,
    strategy,
    source_id: chain.id,
    chosen_step: chosenStep,
    rejected_step: rejectedStep,
    chosen_range: ranges.chosen_range,
    rejected_range: ranges.rejected_range,
    edits: editsBetween(chain.steps, rejectedStep, chosenStep),
    ...(chain.metadata !== undefined && { metadata: chain.metadata }),
  };
}

function editsBetween(steps: readonly ChainStep[], from: number, to: number): PairEdit[] {
  const out: PairEdit[] = [];
  for (let k = from + 1; k <= to; k++) {
    const edit = steps[k].edit;
    if (edit === undefined) continue;
    out.push({
      span_index: edit.span_index,
      ...(edit.comment !== undefined && { comment: edit.comment }),
      reviser: edit.reviser,
    });
  }
  return out;
}
