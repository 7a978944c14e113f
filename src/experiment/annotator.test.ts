import { describe, expect, it } from "vitest";
import { FeedbackRecordSchema } from "../feedback/schema.js";
import { annotateAnswer, chooseAb, judgeAb, NOISELESS } from "./annotator.js";
import { checkAnswer } from "./checker.js";
import { createRng } from "./rng.js";
import { generateWorld, referenceAnswer, renderAnswer, samplePrompt } from "./world.js";

const world = generateWorld({ seed: 9, planets: 12 });
const promptRng = createRng(1);
const prompts = world.planets.map((p, i) =>
  samplePrompt(p, promptRng, { minAttributes: 2, maxAttributes: 5 }, `p${i}`),
);

describe("annotateAnswer", () => {
  it("marks every error as disliked with its fix when noiseless", () => {
    const rng = createRng(2);
    for (const prompt of prompts) {
      const answer = renderAnswer(prompt, rng, { wrongFact: 0.4, poorPhrasing: 0.4 }, world);
      const record = annotateAnswer(prompt, answer, {
        id: prompt.id,
        world,
        noise: NOISELESS,
        rng,
      });
      expect(FeedbackRecordSchema.safeParse(record).success).toBe(true);
      const disliked = record.spans.filter((s) => s.label === "disliked");
      const issues = checkAnswer(prompt, answer).issues.filter((i) => i.kind !== "missing");
      expect(disliked.map((s) => [s.start, s.end, s.suggestion])).toEqual(
        issues.map((i) => [i.start, i.end, i.fix]),
      );
      for (const s of record.spans)
        expect(s.text ?? answer.slice(s.start, s.end)).toBe(answer.slice(s.start, s.end));
    }
  });

  it("keeps spans sorted and disjoint", () => {
    const rng = createRng(3);
    const noise = { missRate: 0.2, wrongLabelRate: 0.2, likedRate: 0.5, abTemperature: 1 };
    for (let k = 0; k < 50; k++) {
      const prompt = prompts[k % prompts.length];
      const answer = renderAnswer(prompt, rng, { wrongFact: 0.5, poorPhrasing: 0.5 }, world);
      const { spans } = annotateAnswer(prompt, answer, { id: "x", world, noise, rng });
      for (let i = 1; i < spans.length; i++)
        expect(spans[i].start).toBeGreaterThanOrEqual(spans[i - 1].end);
    }
  });

  it("misses about missRate of the errors", () => {
    const rng = createRng(4);
    const noise = { ...NOISELESS, missRate: 0.5, likedRate: 0 };
    let marked = 0;
    let errors = 0;
    for (let k = 0; k < 300; k++) {
      const prompt = prompts[k % prompts.length];
      const answer = renderAnswer(prompt, rng, { wrongFact: 0.5, poorPhrasing: 0.5 }, world);
      errors += checkAnswer(prompt, answer).errors;
      marked += annotateAnswer(prompt, answer, { id: "x", world, noise, rng }).spans.length;
    }
    expect(marked / errors).toBeGreaterThan(0.45);
    expect(marked / errors).toBeLessThan(0.55);
  });
});

describe("judgeAb", () => {
  it("prefers the answer with fewer errors when noiseless", () => {
    const prompt = prompts[0];
    const good = referenceAnswer(prompt);
    const bad = good.replace(" is a planet", " is like a planet thing");
    const rng = createRng(5);
    expect(judgeAb(prompt, good, bad, NOISELESS, rng).winner).toBe("a");
    expect(judgeAb(prompt, bad, good, NOISELESS, rng).winner).toBe("b");
  });

  it("flips close calls more often at a higher temperature", () => {
    const flips = (t: number) => {
      const rng = createRng(6);
      let n = 0;
      for (let i = 0; i < 2000; i++) if (chooseAb(1, 2, t, rng) === "b") n++;
      return n / 2000;
    };
    expect(flips(0)).toBe(0);
    expect(flips(0.5)).toBeCloseTo(1 / (1 + Math.exp(2)), 1);
    expect(flips(2)).toBeGreaterThan(flips(0.5));
  });
});
