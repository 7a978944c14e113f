import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FeedbackRecordSchema } from "../feedback/schema.js";
import { createModel, saveModel } from "../model/index.js";
import { buildWordTokenizer, writeTokenizerFiles } from "../model/word-tokenizer.js";
import { OllamaCompleter } from "../revisers/ollama.js";
import { OpenAICompleter } from "../revisers/openai.js";
import { startFakeOllama } from "../revisers/testing/fake-ollama.js";
import { startFakeOpenAI } from "../revisers/testing/fake-openai.js";
import { LocalModelCompleter } from "./local-model.js";
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

  it("draws seeded answers from a model of Redline's own trainer", async () => {
    const dir = work();
    const words = ["the", "cat", "sat", "on", "mat", "."];
    const model = createModel(
      {
        arch: "gpt2",
        vocabSize: 4 + words.length,
        hidden: 16,
        layers: 1,
        heads: 2,
        maxPositions: 48,
      },
      7,
      { std: 1 },
    );
    await writeTokenizerFiles(join(dir, "model"), buildWordTokenizer(words));
    await saveModel(model, join(dir, "model"), join(dir, "model"));
    const completer = await LocalModelCompleter.open(join(dir, "model"), { maxTokens: 8 });
    const input = join(dir, "prompts.txt");
    writeFileSync(input, "the cat sat\n");
    const draw = async (out: string) => {
      await samplePrompts({ prompts: readPrompts(input), completer, n: 2, out: join(dir, out) });
      return lines(join(dir, out)).map((l) => l.response as string);
    };
    const first = await draw("a.jsonl");
    expect(first).toHaveLength(2);
    expect(
      first
        .join(" ")
        .split(/\s+/)
        .every((w) => [...words, "<unk>", ""].includes(w)),
    ).toBe(true);
    expect(await draw("b.jsonl")).toEqual(first);
  });
});
