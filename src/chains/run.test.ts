// Tests of the chains file runner: records revised concurrently come out in input order, and a
// whole file streams through with its invalid records skipped.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mapOrdered, writeChains } from "./run.js";
import { createSuggestionReviser } from "./suggestion-reviser.js";

async function* count(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

describe("mapOrdered", () => {
  it("keeps input order when later items finish first, with at most `concurrency` running", async () => {
    let running = 0;
    let most = 0;
    const out: number[] = [];
    const slow = async (i: number) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, (5 - i) * 3));
      running--;
      return i * 10;
    };
    for await (const v of mapOrdered(count(6), 3, slow)) out.push(v);
    expect(out).toEqual([0, 10, 20, 30, 40, 50]);
    expect(most).toBe(3);
  });

  it("passes on the first failure in order", async () => {
    const fail = async (i: number) => {
      if (i === 2) throw new Error("boom at 2");
      return i;
    };
    const out: number[] = [];
    const run = async () => {
      for await (const v of mapOrdered(count(5), 2, fail)) out.push(v);
    };
    await expect(run()).rejects.toThrow("boom at 2");
    expect(out).toEqual([0, 1]);
  });

  it("yields every item read before the source fails, whatever the concurrency", async () => {
    async function* source() {
      yield* [0, 1, 2];
      throw new Error("bad record at 3");
    }
    const out: number[] = [];
    const run = async () => {
      for await (const v of mapOrdered(source(), 4, async (i: number) => i)) out.push(v);
    };
    await expect(run()).rejects.toThrow("bad record at 3");
    expect(out).toEqual([0, 1, 2]);
  });
});

describe("writeChains", () => {
  it("writes one chain per valid record, in order, and counts edits and skips", async () => {
    const dir = mkdtempSync(join(tmpdir(), "redline-chains-"));
    const input = join(dir, "feedback.jsonl");
    const record = (id: string) =>
      JSON.stringify({
        id,
        prompt: "p",
        response: "a b",
        spans: [{ start: 0, end: 1, label: "disliked", suggestion: "A" }],
      });
    writeFileSync(input, [record("x"), "oops", record("y"), record("z")].join("\n"));
    const output = join(dir, "chains.jsonl");
    const summary = await writeChains({
      input,
      output,
      reviser: createSuggestionReviser(),
      concurrency: 2,
    });
    expect(summary).toMatchObject({ chains: 3, complete: 3, edits: 3, rejected: 0 });
    expect(summary.input).toMatchObject({ lines: 4, valid: 3, skipped: 1 });
    const ids = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id);
    expect(ids).toEqual(["x", "y", "z"]);
  });
});
