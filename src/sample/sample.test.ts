import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FeedbackRecordSchema } from "../feedback/schema.js";
import { OllamaCompleter } from "../revisers/ollama.js";
import { OpenAICompleter } from "../revisers/openai.js";
import { startFakeOllama } from "../revisers/testing/fake-ollama.js";
import { startFakeOpenAI } from "../revisers/testing/fake-openai.js";
import { readPrompts, samplePrompts } from "./sample.js";

const work = () => mkdtempSync(join(tmpdir(), "redline-sample-"));
const lines = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("samplePrompts", () => {
  it("writes N seeded answers per prompt as feedback records ready to annotate", async () => {
    const server = await startFakeOpenAI({
      answer: (t) => `answer with seed ${t.seed} to ${t.messages.at(-1)?.content}`,
    });
    try {
      const dir = work();
      const input = join(dir, "prompts.jsonl");
      writeFileSync(
        input,
        `${JSON.stringify({ id: "q1", prompt: "Why is the sky blue?" })}\n` +
          `${JSON.stringify({ prompt: [{ role: "user", content: "Name a prime." }] })}\n`,
      );
      const out = join(dir, "items.jsonl");
      const completer = new OpenAICompleter({ baseURL: server.url, model: "fake-model" });
      const report = await samplePrompts({
        prompts: readPrompts(input),
        completer,
        n: 3,
        out,
        seed: 10,
      });
      expect(report).toEqual({ prompts: 2, answers: 6 });
      const items = lines(out);
      expect(items.map((i) => i.id)).toEqual(["q1#0", "q1#1", "q1#2", "p2#0", "p2#1", "p2#2"]);
      expect(items[1].response).toBe("answer with seed 11 to Why is the sky blue?");
      for (const item of items) expect(FeedbackRecordSchema.safeParse(item).success).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("groups the answers of each prompt as A/B candidates, from Ollama", async () => {
    const ollama = await startFakeOllama({ model: "m", answer: (t) => `draft ${t.seed}` });
    try {
      const dir = work();
      const input = join(dir, "prompts.txt");
      writeFileSync(input, "first prompt\n\nsecond prompt\n");
      const out = join(dir, "candidates.jsonl");
      const completer = new OllamaCompleter({ baseURL: ollama.url, model: "m" });
      await samplePrompts({
        prompts: readPrompts(input),
        completer,
        n: 2,
        out,
        format: "candidates",
      });
      const sets = lines(out);
      expect(sets.map((s) => s.id)).toEqual(["p1", "p3"]);
      expect(sets[0].candidates.map((c: { text: string }) => c.text)).toEqual([
        "draft 0",
        "draft 1",
      ]);
      expect(sets[0].candidates[0].model).toBe("ollama:m");
    } finally {
      await ollama.close();
    }
  });

  it("says which line of the prompt file is wrong", async () => {
    const dir = work();
    const input = join(dir, "bad.jsonl");
    writeFileSync(input, '{"prompt": "ok"}\n{"prompt": 3}\n');
    const read = async () => {
      for await (const _ of readPrompts(input)) {
        // drain
      }
    };
    await expect(read()).rejects.toThrow(/bad\.jsonl:2: "prompt" must be a string/);
  });
});
