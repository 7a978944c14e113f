import { afterEach, describe, expect, it } from "vitest";
import { buildChain } from "../chains/build.js";
import { createLlmReviser } from "./llm.js";
import { OllamaCompleter } from "./ollama.js";
import { OpenAICompleter } from "./openai.js";
import { ServerCallError } from "./retry.js";
import type { FakeFault, FakeModelOptions } from "./testing/fake-model.js";
import { startFakeOllama } from "./testing/fake-ollama.js";
import { type FakeOpenAI, startFakeOpenAI } from "./testing/fake-openai.js";
import { makeRecord } from "./testing/records.js";

const record = makeRecord("r1", [
  "The capital of France is",
  "[London]",
  "and its river is the",
  "{Seine.}",
  "It has",
  "[many people]",
  "living there.",
]);

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A reviser on a fresh fake server; waits between retries are recorded, not slept. */
async function setup(
  fake: FakeModelOptions,
  extra: { timeoutMs?: number; maxAttempts?: number } = {},
) {
  server = await startFakeOpenAI(fake);
  const waits: number[] = [];
  const completer = new OpenAICompleter({
    baseURL: server.url,
    model: "fake-model",
    timeoutMs: extra.timeoutMs,
    retry: { maxRetries: 3, sleep: async (ms) => void waits.push(ms) },
  });
  const reviser = createLlmReviser({ completer, maxAttempts: extra.maxAttempts });
  return { reviser, waits, server };
}

/** A fault on the first request only. */
const once = (fault: FakeFault) => (turn: { index: number }) =>
  turn.index === 0 ? fault : undefined;

describe("the OpenAI-compatible reviser", () => {
  it("rewrites every disliked span, left to right, into a complete chain", async () => {
    const { reviser } = await setup({});
    const chain = await buildChain(record, reviser);
    expect(chain.status).toBe("complete");
    expect(chain.steps.map((s) => s.text)).toEqual([
      record.response,
      record.response.replace("London", "fixed(London)"),
      record.response
        .replace("London", "fixed(London)")
        .replace("many people", "fixed(many people)"),
    ]);
    expect(chain.steps[1].edit?.reviser).toBe("openai:fake-model");
    expect(reviser.usage.requests).toBe(2);
    expect(reviser.usage.outputTokens).toBeGreaterThan(0);
  });

  it("asks for structured output with the replacement schema", async () => {
    const { reviser, server } = await setup({});
    await buildChain(record, reviser);
    const body = server.requests[0].body as {
      response_format: { type: string; json_schema: unknown };
    };
    expect(body.response_format.type).toBe("json_schema");
    expect(JSON.stringify(body.response_format.json_schema)).toContain('"replacement"');
  });

  it("falls back to plain text when the server refuses structured output", async () => {
    const { reviser, server } = await setup({ structured: false, plainStyle: "text" });
    const chain = await buildChain(record, reviser);
    expect(chain.status).toBe("complete");
    const formats = server.requests.map(
      (r) => (r.body as { response_format?: unknown }).response_format,
    );
    expect(formats.map((f) => f !== undefined)).toEqual([true, false, false]);
  });

  it("waits as long as Retry-After asks on 429, then goes on", async () => {
    const { reviser, waits } = await setup({
      fault: once({ kind: "status", status: 429, retryAfter: "2" }),
    });
    const chain = await buildChain(record, reviser);
    expect(chain.status).toBe("complete");
    expect(waits).toEqual([2000]);
  });

  it("retries 500s with growing backoff", async () => {
    const { reviser, waits, server } = await setup({
      fault: (turn) => (turn.index < 2 ? { kind: "status", status: 500 } : undefined),
    });
    const chain = await buildChain(record, reviser);
    expect(chain.status).toBe("complete");
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(250);
    expect(waits[1]).toBeGreaterThanOrEqual(500);
    expect(server.chatCount()).toBe(4);
  });

  it("retries a response whose JSON is malformed", async () => {
    const { reviser, waits } = await setup({ fault: once({ kind: "malformed" }) });
    expect((await buildChain(record, reviser)).status).toBe("complete");
    expect(waits).toHaveLength(1);
  });

  it("retries a request that times out", async () => {
    const { reviser, waits } = await setup(
      { fault: once({ kind: "delay", ms: 1500 }) },
      { timeoutMs: 300 },
    );
    const chain = await buildChain(record, reviser);
    expect(chain.stop?.reason).toBeUndefined();
    expect(waits).toHaveLength(1);
  });

  it("throws when the server still fails after its retries, so the run can stop and resume", async () => {
    const { reviser } = await setup({ fault: () => ({ kind: "status", status: 503 }) });
    const request = {
      record_id: "r1",
      prompt: "q",
      draft: "a bad word",
      span_index: 0,
      span: { start: 2, end: 5, text: "bad" },
      liked: [],
      ahead: [],
    };
    await expect(reviser.revise(request)).rejects.toBeInstanceOf(ServerCallError);
  });

  it("throws on a wrong key instead of failing every span with it", async () => {
    const { reviser, server } = await setup({
      fault: () => ({ kind: "status", status: 401, message: "Incorrect API key provided" }),
    });
    const request = {
      record_id: "r1",
      prompt: "q",
      draft: "a bad word",
      span_index: 0,
      span: { start: 2, end: 5, text: "bad" },
      liked: [],
      ahead: [],
    };
    await expect(reviser.revise(request)).rejects.toThrow(/HTTP 401: .*Incorrect API key/);
    expect(server.chatCount()).toBe(1);
  });

  it("asks again, saying why, when a rewrite touches text outside its span", async () => {
    const outside = record.response.replace("London", "Paris").replace("It has", "It had");
    const { reviser, server } = await setup({ fault: once({ kind: "reply", content: outside }) });
    const chain = await buildChain(record, reviser);
    expect(chain.status).toBe("complete");
    expect(chain.steps[1].edit?.after).toBe("fixed(London)");
    const retry = server.requests[1].body as { messages: Array<{ role: string; content: string }> };
    expect(retry.messages.at(-2)).toEqual({ role: "assistant", content: outside });
    expect(retry.messages.at(-1)?.content).toMatch(
      /rejected: the rewrite changed text outside the span/,
    );
  });

  it("records the span as failed with the reason after the bounded attempts", async () => {
    const { reviser, server } = await setup(
      { rewrite: (turn) => turn.span ?? "" },
      { maxAttempts: 2 },
    );
    const chain = await buildChain(record, reviser);
    expect(chain.status).toBe("stopped");
    expect(chain.stop?.reason).toMatch(
      /2 attempts rejected; last: the rewrite repeats the original/,
    );
    expect(server.chatCount()).toBe(2);
  });

  it("asks again when the rewrite comes back empty and deletion was not asked for", async () => {
    const { reviser } = await setup({ rewrite: (t) => (t.attempt === 0 ? "" : "Paris") });
    const chain = await buildChain(record, reviser);
    expect(chain.steps[1].edit?.after).toBe("Paris");
  });

  it("fails only the span when the server refuses the request outright", async () => {
    const { reviser } = await setup({
      fault: once({ kind: "status", status: 400, message: "too long" }),
    });
    const chain = await buildChain(record, reviser);
    expect(chain.status).toBe("stopped");
    expect(chain.stop?.reason).toMatch(/server refused the request: .*HTTP 400/);
  });
});

describe("the Ollama reviser", () => {
  it("rewrites through /api/chat with the schema as format", async () => {
    const ollama = await startFakeOllama({ model: "llama-test" });
    try {
      const completer = new OllamaCompleter({ baseURL: ollama.url, model: "llama-test" });
      const chain = await buildChain(record, createLlmReviser({ completer }));
      expect(chain.status).toBe("complete");
      expect(chain.steps[2].text).toContain("fixed(many people)");
      const body = ollama.requests[0] as { format: { required: string[] }; stream: boolean };
      expect(body.format.required).toEqual(["replacement"]);
      expect(body.stream).toBe(false);
    } finally {
      await ollama.close();
    }
  });

  it("falls back to plain text on an Ollama without JSON-schema formats", async () => {
    const ollama = await startFakeOllama({ model: "old", structured: false, plainStyle: "text" });
    try {
      const completer = new OllamaCompleter({ baseURL: ollama.url, model: "old" });
      expect((await buildChain(record, createLlmReviser({ completer }))).status).toBe("complete");
      const formats = ollama.requests.map((r) => (r as { format?: unknown }).format !== undefined);
      expect(formats).toEqual([true, false, false]);
    } finally {
      await ollama.close();
    }
  });

  it("retries 429 and malformed answers, and names the fix for a missing model", async () => {
    const ollama = await startFakeOllama({
      model: "llama-test",
      fault: (t) =>
        t.index === 0
          ? { kind: "status", status: 429, retryAfter: "1" }
          : t.index === 1
            ? { kind: "malformed" }
            : undefined,
    });
    try {
      const waits: number[] = [];
      const retry = { sleep: async (ms: number) => void waits.push(ms) };
      const good = new OllamaCompleter({ baseURL: ollama.url, model: "llama-test", retry });
      expect((await buildChain(record, createLlmReviser({ completer: good }))).status).toBe(
        "complete",
      );
      expect(waits[0]).toBe(1000);
      expect(waits).toHaveLength(2);

      const missing = new OllamaCompleter({ baseURL: ollama.url, model: "nope", retry });
      const chain = await buildChain(record, createLlmReviser({ completer: missing }));
      expect(chain.stop?.reason).toMatch(/HTTP 404.*ollama pull nope/);
    } finally {
      await ollama.close();
    }
  });
});
