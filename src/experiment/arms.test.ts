import { describe, expect, it } from "vitest";
import { annotateAnswer, NOISELESS } from "./annotator.js";
import { type AbComparison, type AnnotatedAnswer, buildChains, pairsForArm } from "./arms.js";
import { checkAnswer } from "./checker.js";
import { createRng } from "./rng.js";
import { generateWorld, referenceAnswer, renderAnswer, samplePrompt } from "./world.js";

const world = generateWorld({ seed: 4, planets: 10 });
const rng = createRng(8);
const prompts = world.planets.map((p, i) =>
  samplePrompt(p, rng, { minAttributes: 3, maxAttributes: 5 }, `p${i}`),
);
const answers: AnnotatedAnswer[] = prompts.map((prompt) => {
  const answer = renderAnswer(prompt, rng, { wrongFact: 0.4, poorPhrasing: 0.4 }, world);
  const record = annotateAnswer(prompt, answer, { id: prompt.id, world, noise: NOISELESS, rng });
  return { prompt, record };
});

describe("pairsForArm", () => {
  it("makes one chain pair per disliked span, each fixing exactly one problem", async () => {
    const chains = await buildChains(answers);
    const { pairs } = pairsForArm("chain", answers.length, chains, []);
    const disliked = answers.flatMap((a) => a.record.spans.filter((s) => s.label === "disliked"));
    expect(pairs.length).toBe(disliked.length);
    for (const p of pairs) {
      const prompt = prompts.find((x) => x.text === p.prompt)!;
      expect(checkAnswer(prompt, p.rejected).errors - checkAnswer(prompt, p.chosen).errors).toBe(1);
    }
  });

  it("pairs each original with its clean final draft in the rewrite arm", async () => {
    const chains = await buildChains(answers);
    const { pairs } = pairsForArm("rewrite", answers.length, chains, []);
    const withErrors = answers.filter((a) => a.record.spans.some((s) => s.label === "disliked"));
    expect(pairs.length).toBe(withErrors.length);
    for (const p of pairs) {
      const prompt = prompts.find((x) => x.text === p.prompt)!;
      expect(p.chosen).toBe(referenceAnswer(prompt));
    }
  });

  it("spends the same budget on every arm and drops identical A/B answers", async () => {
    const chains = await buildChains(answers);
    const comparisons: AbComparison[] = prompts.map((prompt, i) => ({
      prompt,
      id: `c${i}`,
      a: referenceAnswer(prompt),
      b: i % 2 ? referenceAnswer(prompt) : answers[i].record.response,
      judgment: { winner: "a", errorsA: 0, errorsB: 1 },
    }));
    const ab = pairsForArm("ab", 4, chains, comparisons);
    expect(ab.annotated).toBe(4);
    expect(ab.noOps + ab.pairs.length).toBe(4);
    expect(pairsForArm("chain", 4, chains, comparisons).annotated).toBe(4);
    for (const p of ab.pairs)
      expect(p.chosen).toBe(referenceAnswer(prompts.find((x) => x.text === p.prompt)!));
  });
});
