import { Tokenizer } from "@huggingface/tokenizers";
import { describe, expect, it } from "vitest";
import { createRng } from "./rng.js";
import { buildTaskTokenizer, SPECIAL_TOKENS } from "./tokenizer.js";
import { generateWorld, renderAnswer, samplePrompt, vocabularyOfWorld } from "./world.js";

describe("buildTaskTokenizer", () => {
  const world = generateWorld({ seed: 1, planets: 30 });
  const files = buildTaskTokenizer({ words: vocabularyOfWorld(world) });
  const tokenizer = new Tokenizer(files.tokenizer as never, files.config as never);

  it("loads in @huggingface/tokenizers and round-trips task text one id per word", () => {
    const rng = createRng(2);
    for (const planet of world.planets) {
      const prompt = samplePrompt(planet, rng, { minAttributes: 1, maxAttributes: 5 }, "p");
      const text = `${prompt.text} ${renderAnswer(prompt, rng, { wrongFact: 0.3, poorPhrasing: 0.3 }, world)}`;
      const { ids } = tokenizer.encode(text);
      expect(ids.length).toBe(text.split(" ").length);
      expect(ids).not.toContain(1);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it("puts the special tokens first and maps unknown words to <unk>", () => {
    const vocab = (files.tokenizer.model as { vocab: Record<string, number> }).vocab;
    expect(Object.values(SPECIAL_TOKENS).map((t) => vocab[t])).toEqual([0, 1, 2, 3]);
    expect(tokenizer.encode("qwertyuiop").ids).toEqual([1]);
    expect(tokenizer.decode(tokenizer.encode("a . </s>").ids, { skip_special_tokens: true })).toBe(
      "a .",
    );
  });

  it("refuses a word with whitespace", () => {
    expect(() => buildTaskTokenizer({ words: ["two words"] })).toThrow(/whitespace/);
  });
});

describe("the shipped tokenizer", () => {
  it("loads through Redline's own Tokenizer and covers every word of the task", async () => {
    const { loadTokenizer } = await import("../model/tokenizer.js");
    const { readTaskSpec, splitTask } = await import("./task.js");
    const tokenizer = await loadTokenizer("models/base");
    const { world } = splitTask(await readTaskSpec("models/base"));
    for (const w of vocabularyOfWorld(world)) expect(tokenizer.tokenToId(w)).toBeGreaterThan(3);
    const text = `describe ${world.planets[0].name} [ colour red ] its colour is red .`;
    expect(tokenizer.decode(tokenizer.encodeIds(text))).toBe(text);
    expect(tokenizer.encodeIds("describe qwerty")).toEqual([tokenizer.tokenToId("describe"), 1]);
  });
});
