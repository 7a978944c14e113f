// The one training configuration, grouped by model / data / training / output; parsed once at
// the entry point and written to the output directory at the start of every run.
import { z } from "zod";
import { lossTypes } from "./losses.js";

/** The model to train and the frozen reference. */
export const modelSectionSchema = z.object({
  path: z
    .string()
    .optional()
    .describe(
      "model directory in the Hugging Face layout (config.json, model.safetensors, tokenizer.json)",
    ),
  reference: z
    .string()
    .optional()
    .describe("reference model directory for DPO; defaults to the starting model"),
});

/** Where the examples come from and how they are cut. */
export const dataSectionSchema = z.object({
  train: z
    .string()
    .optional()
    .describe("JSONL of preference pairs (DPO) or prompt/response records (SFT)"),
  eval: z.string().optional().describe("held-out JSONL of the same kind"),
  evalFraction: z
    .number()
    .min(0)
    .max(0.9)
    .default(0)
    .describe("share of training chains held out for eval when no eval file is given"),
  maxLength: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("longest prompt + completion in tokens; defaults to the model's context length"),
  mask: z
    .enum(["completion", "edit"])
    .default("completion")
    .describe("count all completion tokens, or only those from the edited range on"),
});

/** Optimisation and loss settings. */
export const trainingSectionSchema = z.object({
  loss: z.enum(lossTypes).default("sigmoid").describe("preference loss (DPO mode)"),
  beta: z.number().positive().default(0.1).describe("β, the KL anchor strength"),
  labelSmoothing: z.number().min(0).max(0.5).default(0).describe("ε of the sigmoid loss"),
  rpoAlpha: z.number().min(0).default(0).describe("weight of the NLL term on chosen answers (RPO)"),
  learningRate: z.number().positive().default(1e-5),
  warmupSteps: z.number().int().min(0).default(0),
  minLrRatio: z.number().min(0).max(1).default(0.1).describe("cosine floor as a share of the peak"),
  weightDecay: z.number().min(0).default(0),
  adamBeta1: z.number().min(0).max(1).default(0.9),
  adamBeta2: z.number().min(0).max(1).default(0.999),
  adamEps: z.number().positive().default(1e-8),
  maxGradNorm: z.number().min(0).default(1).describe("global-norm clip; 0 turns it off"),
  batchSize: z
    .number()
    .int()
    .positive()
    .default(8)
    .describe("pairs (or SFT records) per micro-batch"),
  gradAccum: z.number().int().positive().default(1).describe("micro-batches per optimizer step"),
  epochs: z.number().int().positive().default(1),
  maxSteps: z.number().int().positive().optional().describe("stop after this many optimizer steps"),
  seed: z.number().int().default(0),
  chainAware: z.boolean().default(true).describe("compute each distinct sequence once per step"),
  evalEvery: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe("optimizer steps between evals; 0: only at the end"),
  saveEvery: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe("optimizer steps between checkpoints; 0: none"),
});

/** Where results go. */
export const outputSectionSchema = z.object({
  dir: z
    .string()
    .optional()
    .describe("run directory: config, metrics.jsonl, checkpoints, final model"),
  refCache: z
    .string()
    .optional()
    .describe("directory caching reference log-probs across runs; default <dir>/../.ref-cache"),
});

/** The whole training configuration. */
export const trainConfigSchema = z.object({
  mode: z.enum(["dpo", "sft"]).default("dpo"),
  model: modelSectionSchema.default({}),
  data: dataSectionSchema.default({ evalFraction: 0, mask: "completion" }),
  training: trainingSectionSchema.default(trainingSectionSchema.parse({})),
  output: outputSectionSchema.default({}),
});

/** A parsed configuration with every default filled in. */
export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** What a caller may pass: any section may be partial. */
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** Parses and fills a configuration; throws a message listing each bad field by path. */
export function parseTrainConfig(input: unknown, source = "config"): TrainConfig {
  const result = trainConfigSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`${source}: invalid training config:\n${lines.join("\n")}`);
  }
  return result.data;
}
