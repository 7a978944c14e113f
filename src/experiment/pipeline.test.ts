// End-to-end checks on the real trainer and the shipped base model: a tiny experiment and a
// tiny `redline run`, each a few DPO steps.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../common/logger.js";
import { loadModel } from "../model/io.js";
import { annotateAnswer, NOISELESS } from "./annotator.js";
import { createTrainerBackend } from "./backend.js";
import { ExperimentConfigSchema } from "./config.js";
import { createRng } from "./rng.js";
import { runExperiment } from "./run.js";
import { readTaskSpec, samplePrompts, splitTask } from "./task.js";
import { runUserPipeline, UserRunConfigSchema } from "./user-run.js";
import { renderAnswer } from "./world.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("the bundled experiment on the real trainer", () => {
  it("samples, annotates, trains two arms and measures them", async () => {
    const config = ExperimentConfigSchema.parse({
      seeds: [5],
      arms: ["chain", "ab"],
      annotated: [6],
      heldOutPrompts: 6,
      heldOutAnswers: 6,
      maxNewTokens: 40,
      dpo: { epochs: 1, batchSize: 4, evalEvery: 1, learningRate: 1e-3 },
    });
    const task = await readTaskSpec("models/base");
    const backend = await createTrainerBackend("models/base", { logger: silentLogger, config });
    const progress = { tick() {}, done() {} };
    const result = await runExperiment({ config, task, backend, logger: silentLogger, progress });
    backend.dispose?.();

    expect(result.runs.map((r) => r.arm)).toEqual(["chain", "ab"]);
    const chain = result.runs[0];
    expect(chain.pairs).toBeGreaterThan(0);
    expect(chain.steps).toBe(Math.ceil(chain.pairs / 4));
    expect(chain.curve.map((p) => p.step)).toEqual(
      Array.from({ length: chain.steps + 1 }, (_, i) => i),
    );
    // the tuned model moved away from the reference on held-out pairs
    expect(Math.abs(chain.final.preference.chain.margin)).toBeGreaterThan(0);
    expect(result.base[0].metrics.errorRate).toBeGreaterThan(0);
  });
});

describe("redline run on a user's files", () => {
  it("trains from a feedback file and reports held-out accuracy", async () => {
    const dir = await mkdtemp(join(tmpdir(), "redline-run-"));
    dirs.push(dir);

    // a feedback file of corrupted answers annotated by the simulated annotator
    const spec = await readTaskSpec("models/base");
    const split = splitTask(spec);
    const rng = createRng(3);
    const prompts = samplePrompts(spec, split.train, 24, rng, "u");
    const records = prompts.map((p) =>
      annotateAnswer(p, renderAnswer(p, rng, { wrongFact: 0.5, poorPhrasing: 0.5 }, split.world), {
        id: p.id,
        world: split.world,
        noise: NOISELESS,
        rng,
      }),
    );
    const feedback = join(dir, "feedback.jsonl");
    await writeFile(feedback, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);

    const config = UserRunConfigSchema.parse({
      name: "t",
      out: dir,
      feedback,
      model: "models/base",
      heldOutShare: 0.25,
      training: { maxSteps: 2, batchSize: 4, learningRate: 1e-3 },
    });
    const summary = await runUserPipeline(config, { logger: silentLogger });
    expect(summary).toContain("# Redline run: t");
    const metrics = JSON.parse(await readFile(join(dir, "t", "metrics.json"), "utf8"));
    expect(metrics.chain.pairs).toBeGreaterThan(0);
    expect(Number.isFinite(metrics.chain.accuracy)).toBe(true);

    // the tuned model is saved and differs from the start
    const tuned = join(dir, "t", "train", "final");
    expect(existsSync(join(tuned, "model.safetensors"))).toBe(true);
    const [a, b] = [await loadModel("models/base"), await loadModel(tuned)];
    const name = "model.embed_tokens.weight";
    const [x, y] = [await a.params[name].data(), await b.params[name].data()];
    let diff = 0;
    for (let i = 0; i < x.length; i++) diff = Math.max(diff, Math.abs(x[i] - y[i]));
    expect(diff).toBeGreaterThan(0);
  });
});
