// The chain file format as a zod schema, used to read chains back (by `redline pairs`) with the
// same path-and-message problems as feedback validation. It mirrors the types in types.ts.
import { z } from "zod";
import { PromptSchema, SpanSchema } from "../feedback/schema.js";
import type { Chain } from "./types.js";

const RangeSchema = z.tuple([z.int().nonnegative(), z.int().nonnegative()]);

const ChainEditSchema = z.object({
  span_index: z.int().nonnegative(),
  comment: z.string().optional(),
  before: z.string(),
  after: z.string(),
  range_before: RangeSchema,
  range_after: RangeSchema,
  reviser: z.string(),
});

const ChainStopSchema = z.object({ span_index: z.int().nonnegative(), reason: z.string() });

/** One line of a chains JSONL file. */
export const ChainSchema: z.ZodType<Chain> = z.object({
  id: z.string().min(1),
  prompt: PromptSchema,
  steps: z
    .array(
      z.object({
        index: z.int().nonnegative(),
        text: z.string(),
        edit: ChainEditSchema.optional(),
        spans: z.array(SpanSchema.extend({ span_index: z.int().nonnegative() })),
      }),
    )
    .min(1),
  status: z.enum(["complete", "stopped"]),
  stop: ChainStopSchema.optional(),
  rejected: z.array(ChainStopSchema),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
