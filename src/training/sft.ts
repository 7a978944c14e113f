// Supervised fine-tuning: next-token negative log-likelihood on response tokens only, with
// the same loop, optimizer, logging and checkpoints as preference training.
import { np, tree } from "../engine/index.js";
import type { Model } from "../model/model.js";
import { createRng, type Params } from "../model/params.js";
import type { Tokenizer } from "../model/tokenizer.js";
import type { TrainConfig, TrainConfigInput } from "./config.js";
import { readSftFile, type SftExample, splitByGroup } from "./data.js";
import { accumulate, type LoopTask, runLoop, type TrainResult } from "./loop.js";
import { setupRun, type TrainOptions } from "./setup.js";
import { compileSftLoss, compileSftStep, type SftDeviceBatch } from "./step.js";

/** Options of `trainSft`. */
export interface TrainSftOptions extends TrainOptions {
  /** training examples; otherwise read from config.data.train */
  examples?: SftExample[];
  /** held-out examples; otherwise config.data.eval or a split by data.evalFraction */
  evalExamples?: SftExample[];
}

interface TokenizedExample {
  ids: number[];
  /** index of the first response token in `ids` */
  responseStart: number;
}

function tokenizeExamples(
  examples: SftExample[],
  tokenizer: Tokenizer,
  maxLength: number,
  source = "examples",
): TokenizedExample[] {
  return examples.map((e, i) => {
    const prompt = tokenizer.encodePrompt(tokenizer.formatPrompt(e.prompt));
    const response = tokenizer.encodeIds(e.response);
    if (tokenizer.eosTokenId !== null) response.push(tokenizer.eosTokenId);
    const ids = [...prompt, ...response];
    if (ids.length > maxLength) {
      throw new Error(
        `${source}: example ${e.id ?? i + 1} is ${ids.length} tokens, over the limit of ${maxLength}; shorten it, or raise data.maxLength if it is below the model's context (max_position_embeddings in config.json)`,
      );
    }
    if (prompt.length === 0) {
      throw new Error(
        `${source}: example ${e.id ?? i + 1} has an empty prompt; SFT needs a prompt token to predict from`,
      );
    }
    return { ids, responseStart: prompt.length };
  });
}

const roundUp = (n: number, m: number) => Math.max(m, Math.ceil(n / m) * m);

function sftBatch(items: TokenizedExample[], padId: number, maxT: number) {
  const longest = Math.max(...items.map((e) => e.ids.length - 1));
  const T = Math.max(longest, Math.min(roundUp(longest, 16), maxT));
  const U = roundUp(items.length, 4);
  const inputs = new Int32Array(U * T).fill(padId);
  const targets = new Int32Array(U * T).fill(padId);
  const mask = new Float32Array(U * T);
  let counted = 0;
  let tokens = 0;
  items.forEach((e, u) => {
    for (let t = 0; t < e.ids.length - 1; t++) {
      inputs[u * T + t] = e.ids[t];
      targets[u * T + t] = e.ids[t + 1];
      if (t + 1 >= e.responseStart) {
        mask[u * T + t] = 1;
        counted++;
      }
    }
    tokens += e.ids.length - 1;
  });
  return { U, T, inputs, targets, mask, counted, tokens, rows: items.length };
}

function uploadSft(
  b: ReturnType<typeof sftBatch>,
  weight: number,
  dtype: np.DType,
): SftDeviceBatch {
  return {
    inputs: np.array(b.inputs, { dtype: np.int32 }).reshape([b.U, b.T]),
    targets: np.array(b.targets, { dtype: np.int32 }).reshape([b.U, b.T]),
    mask: np.array(b.mask).astype(dtype).reshape([b.U, b.T]),
    weight: np.array([weight]).astype(dtype).reshape([]),
  };
}

/** Trains on prompt/response examples with the next-token loss on response tokens. */
export async function trainSft(
  input: TrainConfigInput | TrainConfig,
  options: TrainSftOptions = {},
): Promise<TrainResult> {
  const setup = await setupRun({ ...input, mode: "sft" }, options);
  const { config, logger, tokenizer, policy } = setup;
  let examples =
    options.examples ?? (config.data.train ? await readSftFile(config.data.train) : null);
  if (!examples)
    throw new Error("trainSft: no examples; set data.train to a JSONL of prompt/response records");
  if (examples.length === 0)
    throw new Error("trainSft: the dataset is empty; give at least one example");
  let evalExamples =
    options.evalExamples ?? (config.data.eval ? await readSftFile(config.data.eval) : []);
  if (!options.evalExamples && !config.data.eval && config.data.evalFraction > 0) {
    const keyed = examples.map((e, i) => ({ e, k: String(i) }));
    const split = splitByGroup(keyed, (x) => x.k, config.data.evalFraction, config.training.seed);
    if (split.train.length === 0) {
      throw new Error(
        `trainSft: data.evalFraction ${config.data.evalFraction} holds out all ${split.held.length} examples, leaving none to train on; lower it, set it to 0, or pass data.eval`,
      );
    }
    examples = split.train.map((x) => x.e);
    evalExamples = split.held.map((x) => x.e);
  }
  const train = tokenizeExamples(examples, tokenizer, setup.maxLength, config.data.train);
  const held = tokenizeExamples(evalExamples, tokenizer, setup.maxLength, config.data.eval);
  logger.info(`sft: ${train.length} train examples, ${held.length} eval examples`);
  return runLoop(sftTask(config, policy, tokenizer, train, held), {
    ...options,
    config,
    policy,
    tokenizer,
    logger,
    resumeFrom: setup.resumeFrom,
  });
}

function sftTask(
  config: TrainConfig,
  policy: Model,
  tokenizer: Tokenizer,
  train: TokenizedExample[],
  held: TokenizedExample[],
): LoopTask {
  const t = config.training;
  const step = compileSftStep(policy.config);
  const dtype = Object.values(policy.params)[0].dtype;
  const evalLoss = compileSftLoss(policy.config);
  return {
    plan(epoch) {
      const order = train.map((_, i) => i);
      const rng = createRng(t.seed * 1000 + epoch);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const out: number[][] = [];
      for (let i = 0; i < order.length; i += t.batchSize) out.push(order.slice(i, i + t.batchSize));
      return out;
    },
    async runStep(params, micro) {
      const batches = micro.map((m) =>
        sftBatch(
          m.map((i) => train[i]),
          tokenizer.padTokenId,
          policy.config.maxPositions,
        ),
      );
      const counted = Math.max(
        1,
        batches.reduce((n, b) => n + b.counted, 0),
      );
      let grads: Params | null = null;
      let loss = 0;
      let tokens = 0;
      let sequences = 0;
      for (const b of batches) {
        const [l, g] = step(tree.ref(params), uploadSft(b, 1 / counted, dtype));
        grads = accumulate(grads, g as Params);
        loss += (await l.data())[0];
        tokens += b.tokens;
        sequences += b.rows;
      }
      return { grads: grads!, metrics: { loss, counted_tokens: counted }, tokens, sequences };
    },
    async evaluate(model) {
      if (held.length === 0) return null;
      let total = 0;
      let counted = 0;
      for (let i = 0; i < held.length; i += t.batchSize) {
        const b = sftBatch(
          held.slice(i, i + t.batchSize),
          tokenizer.padTokenId,
          model.config.maxPositions,
        );
        total += (await evalLoss(tree.ref(model.params), uploadSft(b, 1, dtype)).data())[0];
        counted += b.counted;
      }
      const loss = total / Math.max(1, counted);
      return { loss, perplexity: Math.exp(loss) };
    },
    dispose() {},
  };
}
