// `redline init-model` (a random model to train from scratch), `redline train` (DPO or SFT on
// this machine, from exported pairs or prompt/response records) and `redline generate`
// (continue prompts with a local model). Run `redline train --help`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { createLogger } from "../common/logger.js";
import { initEngine } from "../engine/index.js";
import { type Prompt, PromptSchema } from "../feedback/schema.js";
import { generate } from "../model/generate.js";
import { checkTokenizerFits, loadModel, saveModel } from "../model/io.js";
import { createModel } from "../model/model.js";
import { countParams } from "../model/params.js";
import { loadTokenizer } from "../model/tokenizer.js";
import { lossTypes, parseTrainConfig, trainDpo, trainSft } from "../training/index.js";
import { DataError, UsageError } from "./exit.js";

/** Registers `init-model`, `train` and `generate`. */
export function registerTrainCommands(program: Command): void {
  registerInitModel(program);
  registerTrain(program);
  registerGenerate(program);
}

function registerInitModel(program: Command): void {
  program
    .command("init-model")
    .description(
      "write a randomly initialised model (to train from scratch) in the Hugging Face layout",
    )
    .requiredOption(
      "--tokenizer <dir>",
      "directory with tokenizer.json (and tokenizer_config.json)",
    )
    .requiredOption("--out <dir>", "model directory to write")
    .addOption(
      new Option("--arch <family>", "architecture").choices(["llama", "gpt2"]).default("llama"),
    )
    .option("--hidden <n>", "model width", "64")
    .option("--layers <n>", "transformer blocks", "2")
    .option("--heads <n>", "attention heads", "4")
    .option("--kv-heads <n>", "key/value heads (llama)")
    .option("--context <n>", "context length in tokens", "256")
    .option("--seed <n>", "init seed", "0")
    .action(async (o) => {
      await initEngine();
      const tokenizer = await loadTokenizer(o.tokenizer).catch((err: Error) => {
        throw new UsageError(err.message);
      });
      let model: ReturnType<typeof createModel>;
      try {
        model = createModel(
          {
            arch: o.arch,
            vocabSize: tokenizer.vocabSize,
            hidden: num("--hidden", o.hidden)!,
            layers: num("--layers", o.layers)!,
            heads: num("--heads", o.heads)!,
            kvHeads: num("--kv-heads", o.kvHeads),
            maxPositions: num("--context", o.context)!,
            bosTokenId: tokenizer.bosTokenId,
            eosTokenId: tokenizer.eosTokenId,
          },
          num("--seed", o.seed)!,
        );
      } catch (err) {
        throw new UsageError(`init-model: ${(err as Error).message}`);
      }
      await saveModel(model, o.out, tokenizer);
      process.stderr.write(
        `init-model: wrote ${o.out} (${countParams(model.config)} parameters, vocabulary ${tokenizer.vocabSize})\n`,
      );
    });
}

const num = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got "${v}"`);
  return n;
};

function registerTrain(program: Command): void {
  program
    .command("train")
    .description(
      "train a local model with DPO (or a variant) on preference pairs, or with SFT on prompt/response records",
    )
    .option(
      "--config <file>",
      "JSON training config (model, data, training, output); flags override it",
    )
    .option("--sft", "supervised fine-tuning instead of preference training")
    .option("--model <dir>", "model directory (config.json, model.safetensors, tokenizer.json)")
    .option("--reference <dir>", "reference model directory (default: the starting model)")
    .option("--data <file>", "training JSONL: pairs (DPO) or prompt/response records (SFT)")
    .option("--eval <file>", "held-out JSONL of the same kind")
    .option("--eval-fraction <x>", "share of chains held out when no --eval is given")
    .option("--out <dir>", "run directory for config, metrics, checkpoints and the final model")
    .addOption(new Option("--loss <type>", "preference loss").choices([...lossTypes]))
    .addOption(new Option("--mask <kind>", "tokens counted").choices(["completion", "edit"]))
    .option("--beta <x>", "β of the preference loss")
    .option("--rpo-alpha <x>", "weight of the NLL term on chosen answers")
    .option("--lr <x>", "peak learning rate")
    .option("--warmup <n>", "warmup steps")
    .option("--epochs <n>", "passes over the data")
    .option("--max-steps <n>", "stop after this many optimizer steps")
    .option("--batch-size <n>", "pairs (or records) per micro-batch")
    .option("--grad-accum <n>", "micro-batches per optimizer step")
    .option("--seed <n>", "seed of data order")
    .option("--eval-every <n>", "optimizer steps between evals")
    .option("--save-every <n>", "optimizer steps between checkpoints")
    .option("--no-chain-aware", "compute both sequences of every pair (for comparison)")
    .option("--resume [dir]", "continue from a checkpoint (default: the newest in --out)")
    .action(async (o) => {
      const base = o.config ? readJson(o.config) : {};
      const input = {
        ...base,
        mode: o.sft ? "sft" : (base.mode ?? "dpo"),
        model: { ...base.model, ...defined({ path: o.model, reference: o.reference }) },
        data: {
          ...base.data,
          ...defined({
            train: o.data,
            eval: o.eval,
            evalFraction: num("--eval-fraction", o.evalFraction),
            mask: o.mask,
          }),
        },
        training: {
          ...base.training,
          ...defined({
            loss: o.loss,
            beta: num("--beta", o.beta),
            rpoAlpha: num("--rpo-alpha", o.rpoAlpha),
            learningRate: num("--lr", o.lr),
            warmupSteps: num("--warmup", o.warmup),
            epochs: num("--epochs", o.epochs),
            maxSteps: num("--max-steps", o.maxSteps),
            batchSize: num("--batch-size", o.batchSize),
            gradAccum: num("--grad-accum", o.gradAccum),
            seed: num("--seed", o.seed),
            evalEvery: num("--eval-every", o.evalEvery),
            saveEvery: num("--save-every", o.saveEvery),
            chainAware: o.chainAware === false ? false : undefined,
          }),
        },
        output: { ...base.output, ...defined({ dir: o.out }) },
      };
      let config: ReturnType<typeof parseTrainConfig>;
      try {
        config = parseTrainConfig(input, o.config ?? "train");
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (!config.model.path)
        throw new UsageError("train: --model <dir> (or model.path) is required");
      if (!config.data.train)
        throw new UsageError("train: --data <file> (or data.train) is required");
      if (o.resume && !config.output.dir && o.resume === true) {
        throw new UsageError("train: --resume without a directory needs --out");
      }

      // ctrl-c stops after the current step and writes a checkpoint; a second one exits
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write(
          "\ninterrupt: finishing the step and writing a checkpoint (ctrl-c again to quit)\n",
        );
        controller.abort();
      };
      process.on("SIGINT", onSigint);
      const logger = createLogger("info");
      const options = {
        logger,
        progress: Boolean(process.stderr.isTTY),
        signal: controller.signal,
        resume: o.resume,
      };
      try {
        const result =
          config.mode === "sft" ? await trainSft(config, options) : await trainDpo(config, options);
        if (result.interrupted) process.exitCode = 130;
      } catch (err) {
        const message = (err as Error).message;
        // input problems found before training are data errors (exit 1)
        throw new DataError(message);
      } finally {
        process.off("SIGINT", onSigint);
      }
    });
}

function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("continue prompts with a local model (greedy unless --temperature > 0)")
    .requiredOption(
      "--model <dir>",
      "model directory with config.json, model.safetensors, tokenizer.json",
    )
    .option(
      "--prompt <text>",
      "one prompt (sent as a user message when the tokenizer has a chat template)",
    )
    .option("--prompts <file>", "JSONL with a `prompt` field per line (string or chat messages)")
    .option("--raw", "use prompts as plain text, without the chat template")
    .option("--max-new-tokens <n>", "tokens to add", "64")
    .option("--temperature <t>", "sampling temperature (0: greedy)", "0")
    .option("--top-p <p>", "nucleus mass", "1")
    .option("--seed <n>", "sampler seed", "0")
    .option("--batch-size <n>", "prompts decoded together", "8")
    .option("--out <file>", "write JSONL {prompt, text, finish_reason} here instead of stdout")
    .action(async (o) => {
      if (!o.prompt && !o.prompts)
        throw new UsageError("generate: give --prompt <text> or --prompts <file>");
      await initEngine();
      let prompts: Prompt[];
      if (o.prompts) {
        if (!existsSync(o.prompts)) throw new UsageError(`generate: ${o.prompts} not found`);
        prompts = readFileSync(o.prompts, "utf8")
          .split("\n")
          .filter((l) => l.trim())
          .map((l, i) => {
            const parsed = PromptSchema.safeParse(JSON.parse(l).prompt);
            if (!parsed.success)
              throw new DataError(
                `${o.prompts}:${i + 1}: prompt must be a string or chat messages`,
              );
            return parsed.data;
          });
      } else {
        prompts = [o.prompt];
      }
      const model = await loadModel(o.model).catch((err: Error) => {
        throw new DataError(err.message);
      });
      const tokenizer = await loadTokenizer(o.model).catch((err: Error) => {
        throw new DataError(err.message);
      });
      // a --prompt becomes a user message only where the tokenizer has a chat template;
      // without one the model was trained on plain text and sees the prompt as it is
      if (!o.prompts && !o.raw && tokenizer.chatTemplate) {
        prompts = [[{ role: "user", content: o.prompt }]];
      }
      checkTokenizerFits(model, tokenizer, `${o.model}/tokenizer.json`);
      const texts = prompts.map((p) =>
        o.raw && typeof p === "string" ? p : tokenizer.formatPrompt(p),
      );
      const out = await generate(model, tokenizer, texts, {
        maxNewTokens: num("--max-new-tokens", o.maxNewTokens),
        temperature: num("--temperature", o.temperature),
        topP: num("--top-p", o.topP),
        seed: num("--seed", o.seed),
        batchSize: num("--batch-size", o.batchSize),
      });
      const lines = out.map((g, i) =>
        JSON.stringify({ prompt: prompts[i], text: g.text, finish_reason: g.finishReason }),
      );
      if (o.out) writeFileSync(o.out, `${lines.join("\n")}\n`);
      else if (!o.prompts && out.length === 1) process.stdout.write(`${out[0].text}\n`);
      else process.stdout.write(`${lines.join("\n")}\n`);
    });
}

/** The sections of a config file, each spread under the command-line flags. */
type ConfigFile = {
  mode?: string;
  model?: object;
  data?: object;
  training?: object;
  output?: object;
};

function readJson(file: string): ConfigFile {
  if (!existsSync(file)) throw new UsageError(`--config: ${file} not found`);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`--config: ${file} is not valid JSON (${(err as Error).message})`);
  }
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
