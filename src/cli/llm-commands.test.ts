import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Chain } from "../chains/types.js";
import { type FakeTurn, readTurn } from "../revisers/testing/fake-model.js";
import { type FakeOpenAI, startFakeOpenAI } from "../revisers/testing/fake-openai.js";
import { makeRecords } from "../revisers/testing/records.js";

const main = join(import.meta.dirname, "main.ts");
const redline = (args: string[]) =>
  spawn(process.execPath, ["--import", "tsx", main, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("redline chains --reviser openai, killed with SIGKILL and run again", () => {
  it("resumes with every chain written once and no journaled rewrite asked again", async () => {
    server = await startFakeOpenAI({ delayMs: 25 });
    const work = mkdtempSync(join(tmpdir(), "redline-kill-"));
    const records = makeRecords(30, 3);
    const input = join(work, "feedback.jsonl");
    writeFileSync(input, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
    const out = join(work, "chains.jsonl");
    const args = ["chains", input, "-o", out, "--reviser", "openai", "--base-url", server.url];
    args.push("--model", "fake-model", "--concurrency", "4");

    // kill the first run once some of its work is done
    const first = redline(args);
    while (server.chatCount() < 30) await new Promise((r) => setTimeout(r, 10));
    first.kill("SIGKILL");
    await exited(first);
    const journaled = readFileSync(`${out}.journal`, "utf8")
      .split("\n")
      .filter((l) => l.includes('"type":"step"'))
      .map((l) => JSON.parse(l) as { record_id: string; span_index: number })
      .map((s) => `${s.record_id}|something weak ${s.span_index - 1}`);
    expect(journaled.length).toBeGreaterThan(0);
    expect(journaled.length).toBeLessThan(90);
    const before = server.requests.length;

    // the same command again finishes the job
    const second = redline(args);
    let stderr = "";
    second.stderr?.on("data", (d) => (stderr += d));
    expect(await exited(second)).toBe(0);
    const summary =
      /(\d+) chains written .*, (\d+) already done; (\d+) rewrites asked, (\d+) replayed/.exec(
        stderr,
      );
    expect(summary).not.toBeNull();
    const [written, skipped, fresh, replayed] = summary!.slice(1).map(Number);
    expect(written + skipped).toBe(30);
    expect(fresh + replayed + 3 * skipped).toBe(90);

    // no step finished before the kill was asked for again, and none twice
    const asked = server.requests
      .slice(before)
      .filter((r) => r.path === "/chat/completions")
      .map((r) => {
        const turn = readTurn((r.body as { messages: FakeTurn["messages"] }).messages, 0, true);
        const user = turn.messages.find((m) => m.role === "user")?.content ?? "";
        return `${/Question (rec-\d+)\?/.exec(user)?.[1]}|${turn.span}`;
      });
    expect(asked).toHaveLength(fresh);
    expect(asked.filter((s) => journaled.includes(s))).toEqual([]);
    expect(new Set(asked).size).toBe(asked.length);

    const chains = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Chain);
    expect(chains.map((c) => c.id)).toEqual(records.map((r) => r.id));
    for (const c of chains) {
      expect(c.status).toBe("complete");
      expect(c.steps.at(-1)?.text).toMatch(/fixed\(something weak 0\).*fixed\(something weak 2\)/);
    }
  });
});

describe("redline chains --batch", () => {
  it("runs the chains through the Batch API, one batch per round of spans", async () => {
    server = await startFakeOpenAI({ batchPolls: 1 });
    const work = mkdtempSync(join(tmpdir(), "redline-batch-cli-"));
    const input = join(work, "feedback.jsonl");
    writeFileSync(
      input,
      makeRecords(3, 2)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join(""),
    );
    const out = join(work, "chains.jsonl");
    const result = await run([
      "chains",
      input,
      "-o",
      out,
      "--reviser",
      "openai",
      "--model",
      "fake-model",
      "--base-url",
      server.url,
      "--batch",
      "--poll-interval",
      "0.01",
    ]);
    expect(result.stderr).toContain("3 chains (3 complete, 0 stopped) in 3 rounds");
    expect(result.code).toBe(0);
    expect(server.requests.filter((r) => r.path === "/batches")).toHaveLength(2);
    const chains = readFileSync(out, "utf8").trim().split("\n");
    expect(chains).toHaveLength(3);
  });
});

describe("redline sample and redline finetune", () => {
  it("samples answers to annotate, then hands pairs to a DPO fine-tuning job", async () => {
    server = await startFakeOpenAI({ jobPolls: 2 });
    const work = mkdtempSync(join(tmpdir(), "redline-cli-"));
    const prompts = join(work, "prompts.txt");
    writeFileSync(prompts, "Explain tides.\nName three primes.\n");
    const items = join(work, "items.jsonl");
    const base = ["sample", prompts, "-o", items, "--base-url", server.url, "-n", "2"];

    // a missing model is a usage error that names the flag
    const bad = await run(base);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--model: a model name is required/);

    expect((await run([...base, "--model", "fake-model", "--quiet"])).code).toBe(0);
    const lines = readFileSync(items, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["p1#0", "p1#1", "p2#0", "p2#1"]);
    expect(lines[0]).toMatchObject({ prompt: "Explain tides.", spans: [] });

    const pairs = join(work, "pairs.jsonl");
    const pair = { prompt: "Explain tides.", chosen: "The Moon pulls.", rejected: "Wind." };
    writeFileSync(pairs, `${JSON.stringify(pair)}\n`);
    const ft = await run([
      "finetune",
      pairs,
      "--provider",
      "openai",
      "--model",
      "base-model",
      "--base-url",
      server.url,
      "--poll-interval",
      "0.01",
      "--json",
    ]);
    expect(ft.code).toBe(0);
    const report = JSON.parse(ft.stdout);
    expect(report).toMatchObject({ status: "succeeded", examples: 1 });
    expect(report.fine_tuned_model).toBe(`ft:base-model:redline:${report.job_id}`);
    expect(ft.stderr).toContain("finetune: [info] The job has successfully completed");
  });
});

async function run(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = redline(args);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const code = await exited(child);
  return { code, stdout, stderr };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on("exit", (code) => resolve(code));
  });
}
