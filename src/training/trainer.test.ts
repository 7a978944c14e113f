// Short real training runs on a tiny model: every parameter moves, the loss falls, SFT learns,
// an interrupted and resumed run matches an uninterrupted one, and bad input fails early.

import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../engine/index.js";
import { createModel } from "../model/model.js";
import { downloadParams } from "../model/params.js";
import { tokenizePairs } from "./batching.js";
import { evaluatePairs, trainDpo } from "./dpo.js";
import { chainPairs, toyTokenizer } from "./fixtures.test-util.js";
import { clearReferenceMemory, computePairLogps } from "./reference.js";
import { trainSft } from "./sft.js";

let dir: string;
beforeAll(async () => {
  await initEngine();
  dir = await mkdtemp(join(tmpdir(), "redline-train-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const tokenizer = toyTokenizer();
const spec = {
  arch: "llama" as const,
  vocabSize: 20,
  hidden: 32,
  layers: 1,
  heads: 4,
  kvHeads: 2,
  maxPositions: 32,
};

describe("trainDpo", () => {
  it("moves every trainable parameter in one step and leaves the starting model alone", async () => {
    const base = createModel(spec, 1);
    const before = await downloadParams(base.params);
    const result = await trainDpo(
      { training: { learningRate: 1e-2, batchSize: 4, maxSteps: 1 } },
      { model: base, tokenizer, pairs: chainPairs(2, 3) },
    );
    const after = await downloadParams(result.model.params);
    for (const [name, t] of Object.entries(before)) {
      const moved = after[name].data.some((v, i) => v !== t.data[i]);
      expect(moved, name).toBe(true);
    }
    const unchanged = await downloadParams(base.params);
    for (const [name, t] of Object.entries(before)) expect(unchanged[name].data).toEqual(t.data);
  });

  it("lowers the loss and raises the margin on a toy preference task", async () => {
    const base = createModel(spec, 2);
    const result = await trainDpo(
      {
        training: { learningRate: 5e-3, batchSize: 8, epochs: 8, beta: 0.5 },
        data: { mask: "edit" },
      },
      { model: base, tokenizer, pairs: chainPairs(4, 3), evalPairs: chainPairs(2, 3, 7) },
    );
    const first = result.history[0];
    const last = result.history.at(-1)!;
    expect(last.loss).toBeLessThan(first.loss * 0.7);
    expect(last["rewards/margins"]).toBeGreaterThan(0);
    expect(result.evalMetrics?.["eval_rewards/accuracies"]).toBeDefined();
  });

  it("resumes an interrupted run to the same parameters as an uninterrupted one", async () => {
    const base = createModel(spec, 3);
    const pairs = chainPairs(4, 3);
    const config = (out: string) => ({
      training: { learningRate: 3e-3, batchSize: 2, epochs: 2, warmupSteps: 1, rpoAlpha: 0.1 },
      output: { dir: out, refCache: join(dir, "cache") },
    });
    const full = await trainDpo(config(join(dir, "full")), { model: base, tokenizer, pairs });
    const controller = new AbortController();
    const first = await trainDpo(config(join(dir, "cut")), {
      model: base,
      tokenizer,
      pairs,
      signal: controller.signal,
      onStep: (r) => {
        if (r.step === 3) controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(existsSync(join(dir, "cut", "checkpoint-3", "optimizer.safetensors"))).toBe(true);
    const resumed = await trainDpo(config(join(dir, "cut")), {
      model: base,
      tokenizer,
      pairs,
      resume: true,
    });
    expect(resumed.steps).toBe(full.steps);
    const a = await downloadParams(full.model.params);
    const b = await downloadParams(resumed.model.params);
    for (const name of Object.keys(a)) expect(b[name].data).toEqual(a[name].data);
    const lines = (await readFile(join(dir, "cut", "metrics.jsonl"), "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).step)).toEqual(full.history.map((r) => r.step));
    expect(existsSync(join(dir, "cut", "final", "model.safetensors"))).toBe(true);
  });

  it("trains a GPT-2 model on sequences close to a context length below the 16-token padding bucket", async () => {
    const gpt = createModel(
      { arch: "gpt2", vocabSize: 20, hidden: 16, layers: 1, heads: 2, maxPositions: 14 },
      1,
    );
    const pairs = chainPairs(1, 2);
    const result = await trainDpo({ training: { maxSteps: 1 } }, { model: gpt, tokenizer, pairs });
    expect(result.steps).toBe(1);
  });

  it("refuses an empty dataset and over-long pairs before training", async () => {
    const base = createModel(spec, 4);
    await expect(trainDpo({}, { model: base, tokenizer, pairs: [] })).rejects.toThrow(/is empty/);
    const long = chainPairs(1, 2);
    long[0].chosen = Array(40).fill("cat").join(" ");
    await expect(trainDpo({}, { model: base, tokenizer, pairs: long })).rejects.toThrow(
      /pair c0:chain:0-1 \(chosen\) is \d+ tokens, over the limit of 32/,
    );
    const small = createModel({ ...spec, vocabSize: 10 }, 1);
    await expect(
      trainDpo({}, { model: small, tokenizer, pairs: chainPairs(1, 2) }),
    ).rejects.toThrow(/tokenizer has 20 tokens but the model's vocab_size is 10/);
  });

  it("refuses a reference model that cannot read the tokenizer's ids or the sequences", async () => {
    const base = createModel(spec, 4);
    const pairs = chainPairs(1, 2);
    const narrow = createModel({ ...spec, vocabSize: 10 }, 1);
    await expect(
      trainDpo({}, { model: base, tokenizer, pairs, reference: narrow }),
    ).rejects.toThrow(/reference.*tokenizer has 20 tokens but the model's vocab_size is 10/);
    const short = createModel({ ...spec, maxPositions: 8 }, 1);
    await expect(trainDpo({}, { model: base, tokenizer, pairs, reference: short })).rejects.toThrow(
      /reference.*context length 8.*data.maxLength 32/,
    );
  });

  it("refuses an eval split that holds out every chain, leaving nothing to train on", async () => {
    const base = createModel(spec, 4);
    const config = { data: { evalFraction: 0.5 } };
    await expect(
      trainDpo(config, { model: base, tokenizer, pairs: chainPairs(1, 3) }),
    ).rejects.toThrow(/data.evalFraction 0.5 holds out all 1 chains/);
    const examples = [{ prompt: "the cat", response: "sat on the mat ." }];
    await expect(trainSft(config, { model: base, tokenizer, examples })).rejects.toThrow(
      /data.evalFraction 0.5 holds out all 1 examples/,
    );
  });
});

describe("trainDpo bookkeeping", () => {
  it("counts the RPO term in the eval loss as the training loss does", async () => {
    const model = createModel(spec, 6);
    const pairs = tokenizePairs(chainPairs(2, 3), tokenizer, { mask: "edit", maxLength: 32 });
    const options = { batchSize: 4, padId: tokenizer.padTokenId };
    const ref = await computePairLogps(model, pairs, options);
    const settings = { type: "sigmoid" as const, beta: 0.1, labelSmoothing: 0, rpoAlpha: 0.5 };
    const { loss } = await evaluatePairs(model, pairs, ref, settings, options);
    const nll = pairs.map((p, i) => -ref.chosen[i] / (p.chosen.length - p.chosenStart));
    const expected = Math.log(2) + 0.5 * (nll.reduce((a, x) => a + x, 0) / pairs.length);
    expect(loss).toBeCloseTo(expected, 4);
  });

  it("gives the same step loss and gradient norm with accumulation as with one big batch", async () => {
    const base = createModel(spec, 6);
    const pairs = chainPairs(2, 3);
    const one = await trainDpo(
      { training: { batchSize: 4, maxSteps: 1, learningRate: 1e-3 } },
      { model: base, tokenizer, pairs },
    );
    const accumulated = await trainDpo(
      { training: { batchSize: 2, gradAccum: 2, maxSteps: 1, learningRate: 1e-3 } },
      { model: base, tokenizer, pairs },
    );
    const [a, b] = [one.history[0], accumulated.history[0]];
    expect(b.sequences).toBe(a.sequences);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
    expect(Math.abs(a.grad_norm - b.grad_norm)).toBeLessThan(1e-5 * a.grad_norm);
  });

  it("hands the live policy to onEval every evalEvery steps", async () => {
    const base = createModel(spec, 8);
    const seen: number[] = [];
    await trainDpo(
      { training: { batchSize: 2, epochs: 2, evalEvery: 2 } },
      {
        model: base,
        tokenizer,
        pairs: chainPairs(3, 2),
        onEval: async (step, model) => {
          seen.push(step);
          expect(Object.keys(model.params).length).toBeGreaterThan(0);
        },
      },
    );
    expect(seen).toEqual([2]);
  });

  it("reads reference log-probs from the disk cache on a second run", async () => {
    const base = createModel(spec, 7);
    const messages: string[] = [];
    const logger = { debug() {}, info: (m: string) => messages.push(m), warn() {}, error() {} };
    const config = { training: { maxSteps: 1 }, output: { refCache: join(dir, "refcache") } };
    await trainDpo(config, { model: base, tokenizer, pairs: chainPairs(2, 3), logger });
    clearReferenceMemory();
    await trainDpo(config, { model: base, tokenizer, pairs: chainPairs(2, 3), logger });
    const ready = messages.filter((m) => m.includes("reference log-probs ready"));
    expect(ready).toEqual([
      "dpo: reference log-probs ready (4 computed, 0 cached)",
      "dpo: reference log-probs ready (0 computed, 4 cached)",
    ]);
  });
});

describe("trainSft", () => {
  it("names the file line of an over-long record, whatever the split and blank lines", async () => {
    const file = join(dir, "sft-long.jsonl");
    const short = JSON.stringify({ prompt: "the cat", response: "sat on the mat ." });
    const long = JSON.stringify({ prompt: "the cat", response: Array(40).fill("cat").join(" ") });
    await writeFile(file, `${short}\n\n${short}\n${long}\n`);
    const base = createModel(spec, 5);
    await expect(
      trainSft({ data: { train: file, evalFraction: 0.3 } }, { model: base, tokenizer }),
    ).rejects.toThrow(`example ${file}:4 is`);
  });

  it("lowers the response loss", async () => {
    const base = createModel(spec, 5);
    const examples = chainPairs(3, 2).map((p) => ({ prompt: p.prompt, response: p.chosen }));
    const result = await trainSft(
      { training: { learningRate: 1e-2, batchSize: 4, epochs: 30 } },
      { model: base, tokenizer, examples, evalExamples: examples },
    );
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0].loss * 0.5);
    expect(result.evalMetrics?.eval_loss).toBeLessThan(result.history[0].loss);
  });
});
