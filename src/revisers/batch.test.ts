import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Chain } from "../chains/types.js";
import { runBatchChains } from "./batch.js";
import { ResponseCache } from "./cache.js";
import { createOpenAIClient } from "./openai.js";
import { type FakeOpenAI, startFakeOpenAI } from "./testing/fake-openai.js";
import { makeRecords } from "./testing/records.js";

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("runBatchChains", () => {
  it("builds chains in one batch per span round, and resumes polling a submitted batch", async () => {
    server = await startFakeOpenAI({ batchPolls: 1 });
    const work = mkdtempSync(join(tmpdir(), "redline-batch-"));
    const records = makeRecords(4, 2);
    const cache = new ResponseCache(join(work, "cache.sqlite"));
    const options = {
      records: () => records,
      client: createOpenAIClient({ baseURL: server.url }),
      model: "fake-model",
      cache,
      state: join(work, "batch-state.json"),
      out: join(work, "chains.jsonl"),
      pollIntervalMs: 1,
    };

    // the first run stops once its batch is submitted, as if interrupted
    const first = await runBatchChains({ ...options, submitOnly: true });
    expect(first).toMatchObject({ pending: true, batches: [expect.any(String)] });
    const state = JSON.parse(readFileSync(options.state, "utf8"));
    expect(state.in_flight).toEqual(first.batches);

    // the rerun polls that batch, then submits the second span of every record
    const second = await runBatchChains(options);
    expect(second.batches).toHaveLength(1);
    expect(second).toMatchObject({ chains: 4, complete: 4, pending: false });
    const created = server.requests.filter((r) => r.method === "POST" && r.path === "/batches");
    expect(created).toHaveLength(2);
    const uploaded = [...server.files.values()].filter((f) => f.purpose === "batch");
    expect(uploaded.map((f) => f.content.trim().split("\n").length)).toEqual([4, 4]);

    const chains = readFileSync(options.out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Chain);
    expect(chains.map((c) => c.id)).toEqual(records.map((r) => r.id));
    expect(chains[0].steps.at(-1)?.text).toContain("fixed(something weak 1)");
    expect(server.chatCount()).toBe(8);
    cache.close();
  });

  it("splits a round larger than the batch limit into several batches", async () => {
    server = await startFakeOpenAI({ batchPolls: 0 });
    const work = mkdtempSync(join(tmpdir(), "redline-batch-"));
    const cache = new ResponseCache(join(work, "cache.sqlite"));
    const report = await runBatchChains({
      records: () => makeRecords(5, 1),
      client: createOpenAIClient({ baseURL: server.url }),
      model: "fake-model",
      cache,
      state: join(work, "state.json"),
      out: join(work, "chains.jsonl"),
      pollIntervalMs: 1,
      maxBatchRequests: 2,
    });
    expect(report).toMatchObject({ rounds: 2, chains: 5, complete: 5 });
    const uploaded = [...server.files.values()].filter((f) => f.purpose === "batch");
    expect(uploaded.map((f) => f.content.trim().split("\n").length)).toEqual([2, 2, 1]);
    cache.close();
  });
});
