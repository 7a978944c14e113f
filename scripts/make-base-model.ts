// Reproduces the shipped base checkpoint of the bundled experiment (models/base/): builds the
// task's word-level tokenizer, a small Llama-family model, and trains it by SFT on answers in
// which a controlled share of facts are wrong and of sentences poorly phrased, so the model
// makes mistakes that preference training can remove. Run with
//   npm run make-base-model            (or: npx tsx scripts/make-base-model.ts --out models/base)
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createLogger } from "../src/common/logger.js";
import { initEngine } from "../src/engine/index.js";
import { createTrainerBackend } from "../src/experiment/backend.js";
import { checkAnswer, errorRate, tallyChecks } from "../src/experiment/checker.js";
import { createRng } from "../src/experiment/rng.js";
import {
  buildSftCorpus,
  samplePrompts,
  splitTask,
  TaskSpecSchema,
  writeTaskSpec,
} from "../src/experiment/task.js";
import { buildTaskTokenizer } from "../src/experiment/tokenizer.js";
import { vocabularyOfWorld } from "../src/experiment/world.js";
import { createModel, saveModel, Tokenizer } from "../src/model/index.js";
import { countParams } from "../src/model/params.js";
import { trainSft } from "../src/training/index.js";

const { values: args } = parseArgs({
  options: {
    out: { type: "string", default: "models/base" },
    hidden: { type: "string", default: "64" },
    layers: { type: "string", default: "2" },
    heads: { type: "string", default: "4" },
    examples: { type: "string", default: "12000" },
    epochs: { type: "string", default: "3" },
    "batch-size": { type: "string", default: "32" },
    lr: { type: "string", default: "3e-3" },
    seed: { type: "string", default: "1" },
  },
});
const num = (k: keyof typeof args) => Number(args[k]);
const logger = createLogger("info");
const started = Date.now();

// the task and its tokenizer
const spec = TaskSpecSchema.parse({});
const split = splitTask(spec);
const files = buildTaskTokenizer({ words: vocabularyOfWorld(split.world) });
const tokenizer = new Tokenizer(files.tokenizer, files.config);

// a small Llama-family model
await initEngine();
const model = createModel(
  {
    arch: "llama",
    vocabSize: tokenizer.vocabSize,
    hidden: num("hidden"),
    layers: num("layers"),
    heads: num("heads"),
    maxPositions: 96,
    tieEmbeddings: true,
    bosTokenId: tokenizer.bosTokenId,
    eosTokenId: tokenizer.eosTokenId,
  },
  num("seed"),
);
logger.info(`model: ${countParams(model.config).toLocaleString("en-US")} parameters`);

// SFT on the corrupted corpus
const examples = buildSftCorpus(spec, num("examples"), num("seed"));
const sft = await trainSft(
  {
    training: {
      learningRate: num("lr"),
      warmupSteps: 20,
      epochs: num("epochs"),
      batchSize: num("batch-size"),
      seed: num("seed"),
    },
  },
  { model, tokenizer, examples, logger: createLogger("warn"), progress: true },
);

// the checkpoint, its task and a model card
const out = args.out!;
await mkdir(out, { recursive: true });
await saveModel(sft.model, out, tokenizer);
await writeTaskSpec(out, spec);
const loss = sft.history.at(-1)?.loss ?? Number.NaN;

// what the saved model does on held-out prompts (sampled at temperature 1)
const backend = await createTrainerBackend(out, {
  logger,
  config: { temperature: 1, maxNewTokens: 48 },
});
const prompts = samplePrompts(spec, split.heldOut, 128, createRng(7).fork("card"), "card");
const answers = await backend.sampleBase(
  prompts.map((p) => p.text),
  7,
);
backend.dispose?.();
const tally = tallyChecks(prompts.map((p, i) => checkAnswer(p, answers[i])));
const card = [
  "# Redline bundled base model",
  "",
  "A tiny Llama-family model for Redline's bundled experiment (describe a fictional planet",
  "from its fact sheet). It was trained from scratch by SFT on answers in which " +
    `${spec.corruption.wrongFact * 100}% of facts are wrong and ` +
    `${spec.corruption.poorPhrasing * 100}% of sentences poorly phrased,`,
  "so its own answers carry mistakes that feedback can remove.",
  "",
  `- parameters: ${countParams(sft.model.config).toLocaleString("en-US")} (hidden ${args.hidden}, ` +
    `${args.layers} layers, ${args.heads} heads, vocabulary ${tokenizer.vocabSize})`,
  `- SFT: ${examples.length} examples, ${args.epochs} epochs, batch ${args["batch-size"]}, ` +
    `lr ${args.lr}, ${sft.steps} steps, final loss ${Number(loss).toFixed(4)}`,
  `- held-out answers at temperature 1 (${tally.answers} prompts): error rate ` +
    `${errorRate(tally).toFixed(3)}, wrong facts ${(tally.wrongFacts / Math.max(1, tally.facts)).toFixed(3)}, ` +
    `clean answers ${(tally.clean / tally.answers).toFixed(3)}`,
  `- made in ${((Date.now() - started) / 60000).toFixed(1)} minutes on ${process.env.REDLINE_THREADS ?? "all"} CPU threads`,
  "",
  "Reproduce with `npm run make-base-model` (scripts/make-base-model.ts; same seed, same",
  "weights up to floating-point summation order). `task.json` holds the task the model was",
  "trained on; the experiment regenerates the same world from it.",
  "",
  "Example answer:",
  "",
  `    prompt: ${prompts[0].text}`,
  `    answer: ${answers[0]}`,
  "",
].join("\n");
await writeFile(join(out, "README.md"), card);
process.stdout.write(card);
