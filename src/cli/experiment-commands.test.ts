import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readUserRunConfig } from "../experiment/user-run.js";
import { UsageError } from "./exit.js";
import { runExperimentCommand } from "./experiment-commands.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("redline experiment", () => {
  it("refuses seeds that are not integers before any work", async () => {
    await expect(runExperimentCommand({ seeds: "1,two" })).rejects.toThrow(UsageError);
    await expect(runExperimentCommand({ seeds: "1,two" })).rejects.toThrow(
      '--seeds: expected integers like 1,2,3, got "1,two"',
    );
  });

  it("says how to make the base model when the model folder has no task", async () => {
    const dir = await mkdtemp(join(tmpdir(), "redline-exp-"));
    dirs.push(dir);
    await expect(runExperimentCommand({ model: dir, quiet: true })).rejects.toThrow(
      /task\.json not found; .*npm run make-base-model/,
    );
  });
});

describe("redline run config", () => {
  it("points at the bad field of an invalid config", async () => {
    const dir = await mkdtemp(join(tmpdir(), "redline-run-"));
    dirs.push(dir);
    const file = join(dir, "run.json");
    await writeFile(file, JSON.stringify({ feedback: "f.jsonl", model: "m", strategy: "best" }));
    await expect(readUserRunConfig(file)).rejects.toThrow(/strategy: Invalid option/);
  });

  it("names a missing feedback file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "redline-run-"));
    dirs.push(dir);
    const file = join(dir, "run.json");
    await writeFile(
      file,
      JSON.stringify({ feedback: join(dir, "nope.jsonl"), model: "models/base" }),
    );
    await expect(readUserRunConfig(file)).rejects.toThrow(/feedback ".*nope\.jsonl" .* not found/);
  });

  it("accepts the example config", async () => {
    const config = await readUserRunConfig("examples/run.config.json").catch((e: Error) => e);
    // the example's feedback file ships with the repository
    expect(config).not.toBeInstanceOf(Error);
  });
});
