import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReviseRequest, Reviser } from "../chains/types.js";
import { Journal, journaledReviser, stepKey } from "./journal.js";

const request: ReviseRequest = {
  record_id: "r1",
  prompt: "q",
  draft: "a bad word",
  span_index: 0,
  span: { start: 2, end: 5, text: "bad" },
  liked: [],
  ahead: [],
};

function countingReviser(): Reviser & { calls: number } {
  const r = {
    name: "counting",
    calls: 0,
    async revise() {
      r.calls++;
      return { ok: true as const, replacement: `good${r.calls}` };
    },
  };
  return r;
}

describe("the run journal", () => {
  it("replays a finished rewrite after reopening, and asks again for a changed request", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "redline-journal-")), "j.jsonl");
    const inner = countingReviser();
    let journal = new Journal(path);
    expect(await journaledReviser(inner, journal, "m1").revise(request)).toEqual({
      ok: true,
      replacement: "good1",
    });
    journal.close();

    journal = new Journal(path);
    expect(journal.stats.restored).toBe(1);
    const again = journaledReviser(inner, journal, "m1");
    expect(await again.revise(request)).toEqual({ ok: true, replacement: "good1" });
    expect(await again.revise({ ...request, draft: "a bad word!" })).toMatchObject({
      replacement: "good2",
    });
    expect(await journaledReviser(inner, journal, "m2").revise(request)).toMatchObject({
      replacement: "good3",
    });
    expect(again.counts).toEqual({ replayed: 1, fresh: 1 });
    journal.close();
  });

  it("cuts a torn last line left by a killed process", () => {
    const path = join(mkdtempSync(join(tmpdir(), "redline-journal-")), "j.jsonl");
    new Journal(path).close();
    const step = { type: "step", key: stepKey(request, "m"), record_id: "r1", span_index: 0 };
    appendFileSync(
      path,
      `${JSON.stringify({ ...step, reviser: "m", result: { ok: false, reason: "x" } })}\n`,
    );
    const torn = '{"type":"step","key":"r1#1#ab';
    appendFileSync(path, torn);
    const journal = new Journal(path);
    expect(journal.stats).toEqual({ restored: 1, truncatedBytes: torn.length });
    journal.close();
    expect(readFileSync(path, "utf8").endsWith("}\n")).toBe(true);
  });

  it("refuses a journal held by a live process and takes over one left by a dead one", () => {
    const path = join(mkdtempSync(join(tmpdir(), "redline-journal-")), "j.jsonl");
    writeFileSync(`${path}.lock`, String(process.ppid));
    expect(() => new Journal(path)).toThrow(/is using this journal; wait for it to finish/);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    writeFileSync(`${path}.lock`, dead.stdout.toString());
    new Journal(path).close();
  });
});
