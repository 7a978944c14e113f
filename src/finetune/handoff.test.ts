import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeExport } from "../export/index.js";
import { writePairs } from "../pairs/index.js";
import { createLlmReviser } from "../revisers/llm.js";
import { createOpenAIClient, OpenAICompleter } from "../revisers/openai.js";
import { runChains } from "../revisers/run-chains.js";
import { startFakeOpenAI } from "../revisers/testing/fake-openai.js";
import { makeRecords } from "../revisers/testing/records.js";
import { runOpenAIDpoJob } from "./openai-dpo.js";

const recipe = join(import.meta.dirname, "../../recipes/trl/train_dpo.py");
const python = ["python3", "python"].find((p) => spawnSync(p, ["--version"]).status === 0);

describe("hand-off from LLM chains to external trainers", () => {
  it("feeds LLM-written chains through pairs and export to the TRL recipe and to a DPO job", async () => {
    const server = await startFakeOpenAI({ jobPolls: 2 });
    try {
      const dir = mkdtempSync(join(tmpdir(), "redline-handoff-"));
      const chains = join(dir, "chains.jsonl");
      const pairs = join(dir, "pairs.jsonl");
      const trl = join(dir, "pairs.trl.jsonl");
      const completer = new OpenAICompleter({ baseURL: server.url, model: "fake-model" });
      await runChains({
        records: makeRecords(6, 2),
        reviser: createLlmReviser({ completer }),
        out: chains,
      });
      await writePairs({ input: chains, output: pairs, strategy: "chain" });
      const exported = await writeExport({ input: pairs, output: trl, format: "trl" });
      expect(exported.rows).toBe(12);

      // the TRL recipe reads the export, edited ranges included, without a GPU stack
      if (python) {
        const run = spawnSync(python, [recipe, "--data", trl, "--check-data"], {
          encoding: "utf8",
        });
        expect(run.stderr).toBe("");
        const stats = JSON.parse(run.stdout);
        expect(stats).toMatchObject({ pairs: 12, with_ranges: 12, conversational: false });
        expect(stats.mean_edited_fraction).toBeGreaterThan(0);
        expect(stats.mean_edited_fraction).toBeLessThan(1);
      }

      // the same pairs go to an OpenAI-compatible DPO job
      const job = await runOpenAIDpoJob({
        client: createOpenAIClient({ baseURL: server.url }),
        file: pairs,
        model: "base-model",
        pollIntervalMs: 1,
      });
      expect(job).toMatchObject({ status: "succeeded", examples: 12 });
    } finally {
      await server.close();
    }
  });

  it.skipIf(!python)("the TRL recipe refuses pairs that differ outside their edited ranges", () => {
    const file = join(mkdtempSync(join(tmpdir(), "redline-trl-")), "bad.jsonl");
    const row = {
      prompt: "q",
      chosen: "A good answer.",
      rejected: "A bad answer!",
      chosen_range: [2, 6],
      rejected_range: [2, 5],
    };
    writeFileSync(file, `${JSON.stringify(row)}\n`);
    const run = spawnSync(python as string, [recipe, "--data", file, "--check-data"], {
      encoding: "utf8",
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      `${file}:1: chosen and rejected differ outside their edited ranges`,
    );
  });
});
