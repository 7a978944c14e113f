// Preference pairs: a chosen and a rejected completion of one prompt, with where they came from.
import type { Range } from "../chains/types.js";
import type { Prompt } from "../feedback/schema.js";

/** How a pair was made from chains or responses. */
export type PairStrategy = "chain" | "chain-all" | "rewrite" | "ab";

/** One chain edit between the rejected and the chosen draft, as provenance. */
export interface PairEdit {
  /** index of the disliked span in the source record's `spans` */
  span_index: number;
  comment?: string;
  reviser: string;
}

/** One preference pair; `chosen` is preferred over `rejected`. */
export interface PreferencePair {
  /**
   * unique pair id: `<source_id>:<strategy>:<rejected_step>-<chosen_step>` for chain pairs,
   * `<chosen_id>:ab:<rejected_id>` for A/B pairs
   */
  id: string;
  prompt: Prompt;
  chosen: string;
  rejected: string;
  strategy: PairStrategy;
  /** id of the feedback record or chain the pair came from (for `ab`: the chosen record) */
  source_id: string;
  /** step indices within the chain (absent for `ab`) */
  chosen_step?: number;
  rejected_step?: number;
  /** for `ab`: the record whose response was rejected */
  rejected_source_id?: string;
  /** code-point range in `chosen` / `rejected` outside which the two texts are identical */
  chosen_range: Range;
  rejected_range: Range;
  /** the chain edits that turn `rejected` into `chosen` (absent for `ab`) */
  edits?: PairEdit[];
  /** the source record's metadata, as given */
  metadata?: Record<string, unknown>;
}
