// Preference pairs: a chosen and a rejected completion of one prompt, with where they came from.
import type { Range } from "../chains/types.js";
import type { Prompt } from "../feedback/schema.js";

/** How a pair was made from chains or responses. */
export type PairStrategy = "chain" | "chain-all" | "rewrite" | "ab";

/** One preference pair; `chosen` is preferred over `rejected`. */
export interface PreferencePair {
  /** unique pair id: `<source_id>:<strategy>:<rejected_step>-<chosen_step>` */
  id: string;
  prompt: Prompt;
  chosen: string;
  rejected: string;
  strategy: PairStrategy;
  /** id of the feedback record or chain the pair came from */
  source_id: string;
  /** step indices within the chain (absent for `ab`) */
  chosen_step?: number;
  rejected_step?: number;
  /** code-point range in `chosen` / `rejected` outside which the two texts are identical */
  chosen_range: Range;
  rejected_range: Range;
  metadata?: Record<string, unknown>;
}
