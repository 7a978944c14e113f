// `redline train` and `redline generate` end to end on a tiny model written by the test.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWordTokenizer, writeTokenizerFiles } from "../model/word-tokenizer.js";
import { chainPairs, toyWords } from "../training/fixtures.test-util.js";

const run = promisify(execFile);
let dir: string;

async function redline(...args: string[]) {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "src/cli/main.ts", ...args], {
      env: { ...process.env, CI: "1" },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "redline-cli-"));
  await writeTokenizerFiles(join(dir, "tok"), buildWordTokenizer(toyWords));
  const lines = chainPairs(2, 3).map((p) => JSON.stringify(p));
  await writeFile(join(dir, "pairs.jsonl"), `${lines.join("\n")}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("redline train", () => {
  it("initialises, trains, logs a line per step, writes config, metrics and the final model", async () => {
    const init = await redline(
      "init-model",
      "--tokenizer",
      join(dir, "tok"),
      "--out",
      join(dir, "base"),
      "--arch",
      "gpt2",
      "--hidden",
      "16",
      "--layers",
      "1",
      "--heads",
      "2",
      "--context",
      "48",
    );
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toMatch(/wrote .*base \(\d+ parameters, vocabulary 20\)/);
    const out = join(dir, "run");
    const r = await redline(
      "train",
      "--model",
      join(dir, "base"),
      "--data",
      join(dir, "pairs.jsonl"),
      "--out",
      out,
      "--max-steps",
      "2",
      "--batch-size",
      "2",
      "--lr",
      "1e-3",
      "--mask",
      "edit",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/step 1\/2 \| loss 0\.69\d+ \| margin/);
    expect(r.stderr).toMatch(/step 2\/2/);
    const config = JSON.parse(await readFile(join(out, "train_config.json"), "utf8"));
    expect(config.data.mask).toBe("edit");
    const metrics = (await readFile(join(out, "metrics.jsonl"), "utf8")).trim().split("\n");
    expect(JSON.parse(metrics[0])).toHaveProperty("rewards/margins");
    expect(existsSync(join(out, "final", "tokenizer.json"))).toBe(true);

    const g = await redline(
      "generate",
      "--model",
      join(out, "final"),
      "--prompt",
      "the cat",
      "--max-new-tokens",
      "4",
    );
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout.trim().split(" ").length).toBeLessThanOrEqual(4);
  });

  it("sends --prompt as plain text to a model whose tokenizer has no chat template", async () => {
    // the bundled model was trained on plain-text prompts; greedy decoding names the planet
    const prompt = "describe pubekark [ climate windy ; capital quorpaikes ]";
    const g = await redline("generate", "--model", "models/base", "--prompt", prompt);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toMatch(/^pubekark is a planet \./);
  });

  it("exits 1 naming the file when the model directory is incomplete", async () => {
    const r = await redline(
      "train",
      "--model",
      join(dir, "nowhere"),
      "--data",
      join(dir, "pairs.jsonl"),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tokenizer\.json not found/);
  });
});
