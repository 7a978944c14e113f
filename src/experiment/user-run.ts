// `redline run CONFIG`: the experiment's pipeline on a user's own project. It reads their
// span-feedback file, holds out a share of the records, builds improvement chains with the
// chosen reviser, trains their model by DPO on the pairs of the chosen strategy, and reports
// held-out preference accuracy and reward margins of the tuned model against the start.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { buildChain } from "../chains/build.js";
import { createReviser } from "../chains/revisers.js";
import type { Chain } from "../chains/types.js";
import { UsageError } from "../cli/exit.js";
import type { Logger } from "../common/logger.js";
import { initEngine } from "../engine/index.js";
import { renderLineChart } from "../evaluation/charts.js";
import { type PreferenceMetrics, preferenceMetrics } from "../evaluation/preference.js";
import { type Table, tableToHtml, tableToMarkdown } from "../evaluation/tables.js";
import type { FeedbackRecord } from "../feedback/schema.js";
import { emptyReport, readFeedback } from "../feedback/validate.js";
import { loadModel } from "../model/io.js";
import { disposeModel } from "../model/model.js";
import { loadTokenizer } from "../model/tokenizer.js";
import { pairsFromChain } from "../pairs/build.js";
import type { PreferencePair } from "../pairs/types.js";
import { sequenceLogps, trainDpo } from "../training/dpo.js";
import { hashSeed } from "./rng.js";

/** The config of `redline run`; see examples/run.config.json. */
export const UserRunConfigSchema = z.strictObject({
  name: z.string().min(1).default("run").describe("run name; output goes to <out>/<name>/"),
  out: z.string().default("runs").describe("folder that holds run folders"),
  feedback: z.string().min(1).describe("span-feedback JSONL (one record per line)"),
  model: z.string().min(1).describe("model folder: config.json, model.safetensors, tokenizer.json"),
  reviser: z
    .strictObject({
      name: z.string().default("suggestion").describe("suggestion, openai or ollama"),
      options: z.record(z.string(), z.unknown()).default({}).describe("the reviser's options"),
    })
    .prefault({}),
  strategy: z
    .enum(["chain", "chain-all", "rewrite"])
    .default("chain")
    .describe("which drafts of each chain become DPO pairs"),
  heldOutShare: z
    .number()
    .min(0)
    .max(0.9)
    .default(0.2)
    .describe("share of records kept out of training to measure held-out accuracy"),
  seed: z.int().default(1).describe("seed of the held-out split and the data order"),
  mask: z.enum(["completion", "edit"]).default("completion").describe("tokens the loss counts"),
  training: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("the trainer's `training` section (beta, learningRate, epochs, batchSize, ...)"),
});

export type UserRunConfig = z.infer<typeof UserRunConfigSchema>;

/** Reads and checks a run config; relative paths resolve against the current folder. */
export async function readUserRunConfig(file: string): Promise<UserRunConfig> {
  if (!existsSync(file)) throw new UsageError(`run: config ${file} not found`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new UsageError(`run: ${file} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = UserRunConfigSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new UsageError(`run: invalid config ${file}:\n${lines.join("\n")}`);
  }
  for (const [key, path] of [
    ["feedback", parsed.data.feedback],
    ["model", parsed.data.model],
  ]) {
    if (!existsSync(path)) throw new UsageError(`run: ${key} "${path}" (from ${file}) not found`);
  }
  return parsed.data;
}

/** Options of `runUserPipeline`. */
export interface UserPipelineOptions {
  logger: Logger;
}

/** Runs the pipeline and writes `<out>/<name>/`; returns the summary text. */
export async function runUserPipeline(
  config: UserRunConfig,
  options: UserPipelineOptions,
): Promise<string> {
  const { logger } = options;
  const dir = join(config.out, config.name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);

  // feedback, split by record id
  const report = emptyReport();
  const records: FeedbackRecord[] = [];
  for await (const r of readFeedback(config.feedback, { logger, file: config.feedback, report })) {
    records.push(r);
  }
  if (records.length === 0) {
    throw new UsageError(
      `run: no usable records in ${config.feedback}; check it with redline validate`,
    );
  }
  const heldOut = (r: FeedbackRecord) =>
    hashSeed(config.seed, r.id) / 4294967296 < config.heldOutShare;
  logger.info(`run: ${records.length} records (${report.skipped} skipped)`);

  // chains with the chosen reviser, then pairs
  const reviser = await createReviser(config.reviser.name, config.reviser.options);
  const chains: { chain: Chain; held: boolean }[] = [];
  for (const r of records) chains.push({ chain: await buildChain(r, reviser), held: heldOut(r) });
  const pairsOf = (held: boolean, strategy: "chain" | "chain-all" | "rewrite") =>
    chains
      .filter((c) => c.held === held)
      .flatMap((c) => pairsFromChain(c.chain, strategy))
      .filter((p) => p.chosen !== p.rejected);
  const train = pairsOf(false, config.strategy);
  const evalSets = { chain: pairsOf(true, "chain"), rewrite: pairsOf(true, "rewrite") };
  if (train.length === 0) {
    throw new UsageError(
      `run: no training pairs; the records in ${config.feedback} need disliked spans that the ` +
        `${config.reviser.name} reviser can rewrite`,
    );
  }
  logger.info(
    `run: ${train.length} ${config.strategy} pairs to train on; held out ` +
      `${evalSets.chain.length} chain and ${evalSets.rewrite.length} rewrite pairs`,
  );

  // DPO from the user's model, which is also the reference
  await initEngine();
  const start = await loadModel(config.model);
  const tokenizer = await loadTokenizer(config.model);
  const beta = Number(config.training.beta ?? 0.1);
  const result = await trainDpo(
    {
      mode: "dpo",
      data: { mask: config.mask },
      training: { seed: config.seed, ...config.training },
      output: { dir: join(dir, "train") },
    },
    { model: start, tokenizer, reference: start, pairs: train, logger, progress: true },
  );

  // held-out preference metrics of the tuned model against the start
  const rows: string[][] = [];
  const metrics: Record<string, PreferenceMetrics> = {};
  for (const [kind, pairs] of Object.entries(evalSets) as [string, PreferencePair[]][]) {
    if (pairs.length === 0) continue;
    const ref = await sequenceLogps(start, tokenizer, pairs);
    const pol = await sequenceLogps(result.model, tokenizer, pairs);
    const m = preferenceMetrics(
      pairs.map((_, i) => ({
        policyChosen: pol.chosen[i],
        policyRejected: pol.rejected[i],
        refChosen: ref.chosen[i],
        refRejected: ref.rejected[i],
      })),
      beta,
    );
    metrics[kind] = m;
    rows.push([`${kind} pairs`, String(m.pairs), m.accuracy.toFixed(3), m.margin.toFixed(3)]);
  }
  disposeModel(result.model);
  disposeModel(start);
  const table: Table = {
    headers: ["held-out pairs", "count", "accuracy (0.5 = start model)", "reward margin"],
    rows,
  };
  const summary = renderUserSummary(config, dir, train.length, result.steps, table);
  await writeFile(join(dir, "summary.md"), summary);
  await writeFile(join(dir, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
  const losses = result.history.map((h) => ({ x: h.step, y: Number(h.loss) }));
  const chart = renderLineChart({
    title: "DPO training loss",
    xLabel: "optimizer step",
    yLabel: "loss",
    series: [{ name: config.strategy, points: losses }],
  });
  await writeFile(
    join(dir, "index.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Redline run ${config.name}</title></head>` +
      `<body style="font-family: Helvetica, Arial, sans-serif"><h1>Redline run: ${config.name}</h1>` +
      `${tableToHtml(table)}\n${chart}</body></html>\n`,
  );
  return summary;
}

function renderUserSummary(
  config: UserRunConfig,
  dir: string,
  pairs: number,
  steps: number,
  table: Table,
): string {
  return [
    `# Redline run: ${config.name}`,
    "",
    `Feedback \`${config.feedback}\`, model \`${config.model}\`, reviser ${config.reviser.name}, ` +
      `${pairs} ${config.strategy} pairs, ${steps} DPO steps. Tuned model: \`${join(dir, "train", "final")}\`.`,
    "",
    table.rows.length > 0
      ? tableToMarkdown(table)
      : "No held-out pairs: raise heldOutShare or add records with disliked spans.",
    "",
  ].join("\n");
}
