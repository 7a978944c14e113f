import { describe, expect, it } from "vitest";
import { createRng } from "./rng.js";
import {
  ATTRIBUTES,
  generateWorld,
  referenceAnswer,
  renderAnswer,
  samplePrompt,
  vocabularyOfTemplates,
} from "./world.js";

describe("generateWorld", () => {
  it("gives the same world for the same seed and another for another seed", () => {
    const a = generateWorld({ seed: 7, planets: 20 });
    const b = generateWorld({ seed: 7, planets: 20 });
    const c = generateWorld({ seed: 8, planets: 20 });
    expect(a).toEqual(b);
    expect(a.planets.map((p) => p.name)).not.toEqual(c.planets.map((p) => p.name));
  });

  it("makes unique names and capitals that are not template words", () => {
    const w = generateWorld({ seed: 1, planets: 60 });
    const names = w.planets.map((p) => p.name);
    const capitals = w.planets.map((p) => p.facts.capital);
    const all = new Set([...names, ...capitals]);
    expect(all.size).toBe(120);
    for (const word of vocabularyOfTemplates()) expect(all.has(word)).toBe(false);
  });
});

describe("renderAnswer", () => {
  const world = generateWorld({ seed: 3, planets: 10 });
  const rng = createRng(5);
  const prompt = samplePrompt(world.planets[0], rng, { minAttributes: 5, maxAttributes: 5 }, "p");

  it("states every prompted fact in prompt order in the reference answer", () => {
    const answer = referenceAnswer(prompt);
    expect(answer.startsWith(`${prompt.planet.name} is a planet .`)).toBe(true);
    let last = -1;
    for (const a of prompt.attributes) {
      const at = answer.indexOf(` ${prompt.planet.facts[a]} `);
      expect(at).toBeGreaterThan(last);
      last = at;
    }
    expect(prompt.attributes.slice().sort()).toEqual([...ATTRIBUTES].sort());
  });

  it("corrupts about the requested share of facts", () => {
    let wrong = 0;
    let total = 0;
    const r = createRng(11);
    for (let i = 0; i < 400; i++) {
      const answer = renderAnswer(prompt, r, { wrongFact: 0.3, poorPhrasing: 0 }, world);
      for (const a of prompt.attributes) {
        total++;
        if (!answer.includes(` ${prompt.planet.facts[a]} `)) wrong++;
      }
    }
    expect(wrong / total).toBeGreaterThan(0.25);
    expect(wrong / total).toBeLessThan(0.35);
  });
});

describe("splitTask", () => {
  it("holds out a fixed share of planets, disjoint from the training planets", async () => {
    const { splitTask, TaskSpecSchema, buildSftCorpus } = await import("./task.js");
    const spec = TaskSpecSchema.parse({ planets: 40, heldOutShare: 0.25 });
    const a = splitTask(spec);
    expect(a.heldOut).toHaveLength(10);
    expect(a.train).toHaveLength(30);
    const held = new Set(a.heldOut.map((p) => p.name));
    expect(a.train.some((p) => held.has(p.name))).toBe(false);
    expect(splitTask(spec).heldOut).toEqual(a.heldOut);
    const corpus = buildSftCorpus(spec, 80, 1);
    const named = new Set(corpus.map((e) => e.prompt.split(" ")[1]));
    expect(named.size).toBe(40);
  });
});
