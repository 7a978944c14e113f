// Tiny models, tokenizers and chain-shaped preference pairs built by the training tests.

import { buildWordTokenizer, wordTokenizer } from "../model/word-tokenizer.js";
import type { PreferencePair } from "../pairs/types.js";

/** Words of the toy tokenizer. */
export const toyWords = "the a cat dog sat ran on mat rug big small red blue . , and".split(" ");

/** A word-level tokenizer over `toyWords` (vocab 20). */
export function toyTokenizer() {
  return wordTokenizer(buildWordTokenizer(toyWords));
}

/**
 * Pairs from chains of `steps` drafts: each chain's drafts differ by one word replaced at a
 * time; adjacent drafts form pairs (later draft chosen), sharing `source_id`.
 */
export function chainPairs(chains: number, steps: number, offset = 0): PreferencePair[] {
  const out: PreferencePair[] = [];
  for (let c = 0; c < chains; c++) {
    const words = ["the", "cat", "sat", "on", "the", "mat", ".", "a", "dog", "ran"];
    const drafts = [words.join(" ")];
    const replacements = ["big", "red", "rug", "small", "blue", "dog"];
    for (let s = 1; s < steps; s++) {
      const w = drafts[s - 1].split(" ");
      const at = (c + offset + s * 2) % w.length;
      // pick a replacement that really changes the draft
      let r = (s + c) % replacements.length;
      while (replacements[r] === w[at]) r = (r + 1) % replacements.length;
      w[at] = replacements[r];
      drafts.push(w.join(" "));
    }
    for (let s = 1; s < steps; s++) {
      const chosen = drafts[s];
      const rejected = drafts[s - 1];
      let start = 0;
      while (chosen[start] === rejected[start]) start++;
      out.push({
        id: `c${c}:chain:${s - 1}-${s}`,
        prompt: c % 2 === 0 ? "the cat" : [{ role: "user", content: "a dog" }],
        chosen,
        rejected,
        strategy: "chain",
        source_id: `c${c + offset}`,
        chosen_step: s,
        rejected_step: s - 1,
        chosen_range: [start, chosen.length],
        rejected_range: [start, rejected.length],
      });
    }
  }
  return out;
}
