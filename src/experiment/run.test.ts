import { describe, expect, it } from "vitest";
import { silentLogger } from "../common/logger.js";
import type { PreferencePair } from "../pairs/types.js";
import { checkAnswer } from "./checker.js";
import { ExperimentConfigSchema } from "./config.js";
import { createRng } from "./rng.js";
import { type ExperimentBackend, runExperiment } from "./run.js";
import { splitTask, TaskSpecSchema } from "./task.js";
import { ATTRIBUTES, type Attribute, renderAnswer, type TaskPrompt } from "./world.js";

const task = TaskSpecSchema.parse({ planets: 16 });
const { world } = splitTask(task);

function parsePrompt(text: string): TaskPrompt {
  const [, name, body] = /^describe (\S+) \[ (.*) \]$/.exec(text)!;
  const planet = world.planets.find((p) => p.name === name)!;
  const attributes = body.split(" ; ").map((kv) => kv.split(" ")[0] as Attribute);
  expect(attributes.every((a) => ATTRIBUTES.includes(a))).toBe(true);
  return { id: text, planet, attributes, text };
}

/**
 * A stand-in for a language model: it writes answers with a corruption level that DPO lowers
 * in proportion to the pairs it sees, and scores a text by its checker errors at that level.
 */
function fakeBackend(): ExperimentBackend & { trained: number[] } {
  const trained: number[] = [];
  const sampler = (level: number) => async (prompts: string[], seed: number) => {
    const rng = createRng(seed);
    return prompts.map((t) =>
      renderAnswer(parsePrompt(t), rng, { wrongFact: level, poorPhrasing: level }, world),
    );
  };
  const scorer = (sharpness: number) => async (pairs: PreferencePair[]) => {
    const logp = (p: PreferencePair, text: string) =>
      -sharpness * checkAnswer(parsePrompt(p.prompt as string), text).errors - text.length / 100;
    return {
      chosen: pairs.map((p) => logp(p, p.chosen)),
      rejected: pairs.map((p) => logp(p, p.rejected)),
    };
  };
  return {
    trained,
    model: { dir: "fake", params: 0, description: "fake" },
    sampleBase: sampler(0.3),
    scoreBase: scorer(1),
    async trainDpo(pairs, settings, _seed, checkpoint) {
      const steps = Math.ceil(pairs.length / settings.batchSize) * settings.epochs;
      trained.push(pairs.length);
      for (let s = 1; s <= steps; s++) {
        const level = 0.3 * Math.exp((-s * pairs.length) / 400);
        const sharp = 1 + s / steps;
        if (s % settings.evalEvery === 0 || s === steps) {
          await checkpoint({ step: s, last: s === steps }, sampler(level), scorer(sharp));
        }
      }
      return { steps };
    },
  };
}

describe("runExperiment", () => {
  it("runs every seed, arm and budget and records curves and base scores", async () => {
    const config = ExperimentConfigSchema.parse({
      seeds: [1, 2],
      arms: ["chain", "ab", "rewrite"],
      annotated: [6, 12],
      heldOutPrompts: 10,
      heldOutAnswers: 10,
      dpo: { batchSize: 4, epochs: 2, evalEvery: 2 },
    });
    const backend = fakeBackend();
    const progress = { tick() {}, done() {} };
    const result = await runExperiment({ config, task, backend, logger: silentLogger, progress });

    expect(result.runs).toHaveLength(2 * 3 * 2);
    expect(result.base.map((b) => b.seed)).toEqual([1, 2]);
    for (const run of result.runs) {
      expect(run.steps).toBe(Math.ceil(run.pairs / 4) * 2);
      expect(run.curve[0].step).toBe(0);
      expect(run.curve.at(-1)!.step).toBe(run.steps);
      expect(run.final.errorRate).toBeLessThan(result.base[0].metrics.errorRate + 0.1);
      expect(run.final.preference.chain.accuracy).toBeGreaterThan(0.5);
    }
    // span arms share the annotations: the chain arm has at least as many pairs as rewrite
    for (const seed of [1, 2]) {
      const of = (arm: string) =>
        result.runs.find((r) => r.seed === seed && r.arm === arm && r.annotated === 12)!;
      expect(of("chain").pairs).toBeGreaterThanOrEqual(of("rewrite").pairs);
      expect(of("chain").curve.length).toBeGreaterThan(2);
    }
    expect(result.base[0].metrics.preference.chain.accuracy).toBe(0.5);
  });
});
