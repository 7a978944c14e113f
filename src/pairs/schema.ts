// The pair file format as a zod schema, used to read pairs back (by `redline export`).
import { z } from "zod";
import { PromptSchema } from "../feedback/schema.js";
import type { PreferencePair } from "./types.js";

const RangeSchema = z.tuple([z.int().nonnegative(), z.int().nonnegative()]);

/** One line of a pairs JSONL file. */
export const PreferencePairSchema: z.ZodType<PreferencePair> = z.object({
  id: z.string().min(1),
  prompt: PromptSchema,
  chosen: z.string(),
  rejected: z.string(),
  strategy: z.enum(["chain", "chain-all", "rewrite", "ab"]),
  source_id: z.string(),
  chosen_step: z.int().nonnegative().optional(),
  rejected_step: z.int().nonnegative().optional(),
  rejected_source_id: z.string().optional(),
  chosen_range: RangeSchema,
  rejected_range: RangeSchema,
  edits: z
    .array(
      z.object({
        span_index: z.int().nonnegative(),
        comment: z.string().optional(),
        reviser: z.string(),
      }),
    )
    .optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
