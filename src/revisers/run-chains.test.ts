import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Chain } from "../chains/types.js";
import { cachedCompleter, ResponseCache } from "./cache.js";
import { createLlmReviser } from "./llm.js";
import { OpenAICompleter } from "./openai.js";
import { RunInterruptedError, runChains } from "./run-chains.js";
import { type FakeModelOptions, type FakeTurn, readTurn } from "./testing/fake-model.js";
import { type FakeOpenAI, startFakeOpenAI } from "./testing/fake-openai.js";
import { makeRecords } from "./testing/records.js";

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const dir = () => mkdtempSync(join(tmpdir(), "redline-run-"));
const readChains = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Chain);

/** Which record and span a rewrite request is about, e.g. `rec-00003|something weak 1`. */
const stepOf = (turn: Pick<FakeTurn, "messages" | "span">) => {
  const user = turn.messages.find((m) => m.role === "user")?.content ?? "";
  return `${/Question (rec-\d+)\?/.exec(user)?.[1]}|${turn.span}`;
};

/** The steps a journal holds, as `record|span text`. */
const journaledSteps = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.includes('"type":"step"'))
    .map((l) => JSON.parse(l) as { record_id: string; span_index: number })
    .map((s) => `${s.record_id}|something weak ${s.span_index - 1}`);

/** The steps asked of the fake server from request `from` on. */
const stepsAsked = (fake: FakeOpenAI, from: number) =>
  fake.requests
    .slice(from)
    .filter((r) => r.path === "/chat/completions")
    .map((r) => stepOf(readTurn((r.body as { messages: FakeTurn["messages"] }).messages, 0, true)));

async function reviserOn(fake: FakeModelOptions, cache?: ResponseCache) {
  server ??= await startFakeOpenAI(fake);
  const completer = new OpenAICompleter({
    baseURL: server.url,
    model: "fake-model",
    concurrency: 8,
    retry: { maxRetries: 1, baseDelayMs: 1 },
  });
  const reviser = createLlmReviser({
    completer: cache ? cachedCompleter(completer, cache) : completer,
  });
  return { reviser, server };
}

describe("runChains", () => {
  it("builds many records at once and writes their chains in input order", async () => {
    // later records answer faster, so they finish first
    const { reviser } = await reviserOn({
      fault: (t) => ({ kind: "delay", ms: 40 - Number(/rec-(\d+)/.exec(stepOf(t))?.[1]) }),
    });
    const records = makeRecords(12, 2);
    const out = join(dir(), "chains.jsonl");
    const report = await runChains({ records, reviser, out, concurrency: 6 });
    const chains = readChains(out);
    expect(chains.map((c) => c.id)).toEqual(records.map((r) => r.id));
    expect(chains.every((c) => c.status === "complete" && c.steps.length === 3)).toBe(true);
    expect(report).toMatchObject({ records: 12, written: 12, complete: 12, stopped: 0 });
  });

  it("stops on a server that keeps failing, writes nothing half-done, and resumes", async () => {
    let broken = true;
    const { reviser, server } = await reviserOn({
      fault: (t) =>
        broken && stepOf(t).startsWith("rec-00004") ? { kind: "status", status: 503 } : undefined,
    });
    const records = makeRecords(8, 2);
    const out = join(dir(), "chains.jsonl");
    const journal = `${out}.journal`;
    const options = {
      records,
      reviser,
      out,
      journal,
      reviserId: reviser.fingerprint,
      concurrency: 2,
    };
    await expect(runChains(options)).rejects.toBeInstanceOf(RunInterruptedError);
    const first = readChains(out);
    expect(first.map((c) => c.id)).toEqual(records.slice(0, first.length).map((r) => r.id));
    expect(first.length).toBeLessThan(5);
    expect(first.every((c) => c.status === "complete")).toBe(true);

    // the server recovers; the second run finishes without asking again for finished steps
    broken = false;
    const done = journaledSteps(journal);
    const from = server.requests.length;
    const report = await runChains(options);
    const all = readChains(out);
    expect(all.map((c) => c.id)).toEqual(records.map((r) => r.id));
    expect(report.fresh + report.replayed + 2 * report.skipped).toBe(16);
    expect(report.skipped).toBe(first.length);
    expect(stepsAsked(server, from).filter((s) => done.includes(s))).toEqual([]);
  });

  it("answers a repeated run from the response cache without asking the server", async () => {
    const work = dir();
    const cache = new ResponseCache(join(work, "cache.sqlite"));
    const { reviser, server } = await reviserOn({}, cache);
    const records = makeRecords(5, 2);
    await runChains({ records, reviser, out: join(work, "a.jsonl") });
    expect(server.chatCount()).toBe(10);
    const again = createLlmReviser({
      completer: cachedCompleter(
        new OpenAICompleter({ baseURL: server.url, model: "fake-model" }),
        cache,
      ),
    });
    await runChains({ records, reviser: again, out: join(work, "b.jsonl") });
    expect(server.chatCount()).toBe(10);
    expect(again.usage.cached).toBe(10);
    expect(readChains(join(work, "b.jsonl"))).toEqual(readChains(join(work, "a.jsonl")));
    cache.close();
  });

  it("stops every record and passes on an error of the input itself", async () => {
    const { reviser, server } = await reviserOn({ delayMs: 5 });
    const records = makeRecords(10, 2);
    async function* broken() {
      yield* records.slice(0, 4);
      throw new Error("line 5: not JSON");
    }
    const out = join(dir(), "chains.jsonl");
    const run = runChains({ records: broken(), reviser, out, concurrency: 3 });
    await expect(run).rejects.toThrow("line 5: not JSON");

    // requests sent before the stop may still be arriving; after them, nothing more comes
    await new Promise((r) => setTimeout(r, 50));
    const asked = server.chatCount();
    await new Promise((r) => setTimeout(r, 100));
    expect(server.chatCount()).toBe(asked);
    expect(asked).toBeLessThan(20);
  });
});
