// Settings of the bundled experiment, one zod schema with defaults, and the two presets:
// `short` (what `npm start` runs in minutes on two cores) and `full` (`redline experiment --full`).
import { z } from "zod";

/**
 * The arms compared; each gets pairs from the same number of annotated answers. `chain-edit`
 * and `chain-nll` are chain pairs trained with the loss restricted to the edited tokens, or
 * with the NLL term on chosen answers (RPO) added.
 */
export const ARMS = ["chain", "ab", "rewrite", "chain-all", "chain-edit", "chain-nll"] as const;
export type Arm = (typeof ARMS)[number];

/** The held-out pair kinds preference accuracy is measured on. */
export const EVAL_PAIR_KINDS = ["chain", "rewrite", "ab"] as const;
export type EvalPairKind = (typeof EVAL_PAIR_KINDS)[number];

const noiseSchema = z.strictObject({
  missRate: z.number().min(0).max(1).default(0.1).describe("share of errors left unmarked"),
  wrongLabelRate: z
    .number()
    .min(0)
    .max(1)
    .default(0.03)
    .describe("share of marks with the wrong label (errors liked, right facts 'fixed')"),
  likedRate: z.number().min(0).max(1).default(0.3).describe("share of right facts marked liked"),
  abTemperature: z
    .number()
    .min(0)
    .default(0.5)
    .describe("Bradley–Terry temperature of A/B choices on error counts; 0 = always right"),
});

const dpoSchema = z.strictObject({
  beta: z.number().positive().default(0.5).describe("DPO temperature β"),
  learningRate: z.number().positive().default(3e-4).describe("AdamW learning rate"),
  batchSize: z.int().positive().default(8).describe("pairs per optimizer step"),
  epochs: z.int().positive().default(3).describe("passes over each arm's pairs"),
  steps: z
    .int()
    .positive()
    .optional()
    .describe("when set, every arm trains exactly this many steps instead of `epochs` passes"),
  evalEvery: z.int().positive().default(12).describe("steps between learning-curve points"),
  mask: z
    .enum(["completion", "edit"])
    .default("completion")
    .describe("tokens the loss counts (the chain-edit arm always uses edit)"),
  rpoAlpha: z
    .number()
    .min(0)
    .default(0)
    .describe("weight of the NLL term on chosen answers (the chain-nll arm uses 1 when 0)"),
});

/** The experiment's settings; parse with `ExperimentConfigSchema.parse`. */
export const ExperimentConfigSchema = z.strictObject({
  name: z.string().default("short").describe("run name; the report goes to <out>/<name>"),
  out: z.string().default("reports").describe("folder that holds report folders"),
  modelDir: z.string().default("models/base").describe("base checkpoint (also the reference)"),
  seeds: z.array(z.int()).min(1).default([1, 2, 3]).describe("one full replicate per seed"),
  arms: z.array(z.enum(ARMS)).min(1).default(["chain", "ab", "rewrite", "chain-nll"]),
  annotated: z
    .array(z.int().positive())
    .min(1)
    .default([32, 96])
    .describe("annotated answers per arm; several values draw the curve against annotation"),
  heldOutPrompts: z.int().positive().default(96).describe("held-out prompts for the error rate"),
  samplesPerPrompt: z.int().positive().default(1).describe("sampled answers per held-out prompt"),
  heldOutAnswers: z
    .int()
    .positive()
    .default(64)
    .describe("held-out base answers annotated (noise-free) to make held-out pairs"),
  temperature: z.number().positive().default(1).describe("sampling temperature everywhere"),
  maxNewTokens: z.int().positive().default(48),
  noise: noiseSchema.prefault({}),
  dpo: dpoSchema.prefault({}),
});

export type ExperimentConfig = z.infer<typeof ExperimentConfigSchema>;
export type ExperimentConfigInput = z.input<typeof ExperimentConfigSchema>;

/**
 * The `npm start` preset: 3 seeds × 4 arms (chain, A/B, rewrite, and chain with the NLL term)
 * × 2 annotation budgets; about two minutes on two cores.
 */
export const SHORT_PRESET: ExperimentConfigInput = { name: "short" };

/**
 * The `--full` preset: five seeds, three annotation budgets, the chain-all and chain-nll arms,
 * more held-out data. (`chain-edit` is left out: for the sigmoid loss on adjacent pairs the
 * shared prefix cancels, so it trains exactly like `chain`.)
 */
export const FULL_PRESET: ExperimentConfigInput = {
  name: "full",
  seeds: [1, 2, 3, 4, 5],
  arms: ["chain", "ab", "rewrite", "chain-all", "chain-nll"],
  annotated: [32, 64, 128],
  heldOutPrompts: 128,
  heldOutAnswers: 96,
};
