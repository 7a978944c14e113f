import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PreferencePair } from "../pairs/types.js";
import { createOpenAIClient } from "../revisers/openai.js";
import { startFakeOpenAI } from "../revisers/testing/fake-openai.js";
import { runOpenAIDpoJob, toOpenAIDpo } from "./openai-dpo.js";

const pair: PreferencePair = {
  id: "r1:chain:0-1",
  prompt: "What is the capital of France?",
  chosen: "The capital is Paris.",
  rejected: "The capital is London.",
  strategy: "chain",
  source_id: "r1",
  chosen_step: 1,
  rejected_step: 0,
  chosen_range: [15, 20],
  rejected_range: [15, 21],
};

describe("toOpenAIDpo", () => {
  it("turns a Redline pair into OpenAI's DPO example", () => {
    expect(toOpenAIDpo(pair as unknown as Record<string, unknown>, "x")).toEqual({
      input: { messages: [{ role: "user", content: "What is the capital of France?" }] },
      preferred_output: [{ role: "assistant", content: "The capital is Paris." }],
      non_preferred_output: [{ role: "assistant", content: "The capital is London." }],
    });
  });

  it("says what a line lacks", () => {
    expect(() => toOpenAIDpo({ chosen: "a" }, "pairs.jsonl:3")).toThrow(
      /^pairs\.jsonl:3: expected a preference pair with "prompt"/,
    );
  });
});

describe("runOpenAIDpoJob", () => {
  it("uploads the pairs, creates a DPO job, follows it and reports the model", async () => {
    const server = await startFakeOpenAI({ jobPolls: 3 });
    try {
      const file = join(mkdtempSync(join(tmpdir(), "redline-ft-")), "pairs.jsonl");
      writeFileSync(file, `${JSON.stringify(pair)}\n${JSON.stringify({ ...pair, id: "r2" })}\n`);
      const report = await runOpenAIDpoJob({
        client: createOpenAIClient({ baseURL: server.url }),
        file,
        model: "gpt-test",
        beta: 0.1,
        epochs: 2,
        suffix: "redline",
        pollIntervalMs: 1,
      });
      expect(report.status).toBe("succeeded");
      expect(report.examples).toBe(2);
      expect(report.fine_tuned_model).toBe(`ft:gpt-test:redline:${report.job_id}`);
      expect(report.events.map((e) => e.message)).toEqual([
        `Validating training file: ${report.training_file}`,
        "Fine-tuning job started",
        "Step 2/3: training loss=0.69",
        "Step 3/3: training loss=0.69",
        "The job has successfully completed",
      ]);
      const create = server.requests.find((r) => r.path === "/fine_tuning/jobs");
      expect(create?.body).toMatchObject({
        model: "gpt-test",
        suffix: "redline",
        method: { type: "dpo", dpo: { hyperparameters: { beta: 0.1, n_epochs: 2 } } },
      });
      const uploaded = server.files.get(report.training_file);
      expect(uploaded?.purpose).toBe("fine-tune");
      expect(JSON.parse(uploaded?.content.split("\n")[0] ?? "").preferred_output).toEqual([
        { role: "assistant", content: "The capital is Paris." },
      ]);
    } finally {
      await server.close();
    }
  });
});
