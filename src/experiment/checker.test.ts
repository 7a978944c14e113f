import { describe, expect, it } from "vitest";
import { checkAnswer, diffWithGood, errorRate, tallyChecks } from "./checker.js";
import { createRng } from "./rng.js";
import {
  generateWorld,
  referenceAnswer,
  renderAnswer,
  type TaskPrompt,
  TEMPLATES,
} from "./world.js";

const world = generateWorld({ seed: 2, planets: 8 });
const planet = world.planets[0];
const prompt: TaskPrompt = {
  id: "p",
  planet,
  attributes: ["capital", "moons"],
  text: "",
};

/** Applies the checker's fixes right to left, as a chain of edits would. */
function applyFixes(answer: string): string {
  const issues = checkAnswer(prompt, answer).issues.filter((i) => i.kind !== "missing");
  let out = answer;
  for (const i of issues.slice().reverse()) out = out.slice(0, i.start) + i.fix + out.slice(i.end);
  return out;
}

describe("checkAnswer", () => {
  it("finds nothing wrong in the reference answer", () => {
    const r = checkAnswer(prompt, referenceAnswer(prompt));
    expect(r.issues).toEqual([]);
    expect(r.facts.every((f) => f.correct)).toBe(true);
    expect(r.expected).toBe(3);
  });

  it("marks a wrong fact on exactly the value and fixes it to the truth", () => {
    const answer = referenceAnswer(prompt).replace(` ${planet.facts.capital} `, " zzz ");
    const [issue] = checkAnswer(prompt, answer).issues;
    expect(issue.kind).toBe("wrong-fact");
    expect(issue.text).toBe("zzz");
    expect(answer.slice(issue.start, issue.end)).toBe("zzz");
    expect(issue.fix).toBe(planet.facts.capital);
  });

  it("marks poor phrasing apart from the slot, so fixes never overlap", () => {
    for (const t of TEMPLATES) {
      for (const poor of t.poor) {
        const tokens = poor.split(" ");
        const { poorRange } = diffWithGood({ template: t, tokens });
        const slot = tokens.indexOf("{v}");
        expect(slot < poorRange[0] || slot >= poorRange[1]).toBe(true);
      }
    }
  });

  it("turns any corrupted answer back into the reference by applying its fixes", () => {
    const rng = createRng(4);
    for (let i = 0; i < 200; i++) {
      const answer = renderAnswer(prompt, rng, { wrongFact: 0.5, poorPhrasing: 0.5 }, world);
      expect(applyFixes(answer)).toBe(referenceAnswer(prompt));
    }
  });

  it("deletes unsupported, repeated and garbled sentences and reports missing facts", () => {
    const ref = referenceAnswer(prompt);
    const answer = `${ref} the climate is hot . its capital is ${planet.facts.capital} . moons moons`;
    const kinds = checkAnswer(prompt, answer).issues.map((i) => i.kind);
    expect(kinds).toEqual(["unsupported", "repeated", "garbled"]);
    expect(applyFixes(answer)).toBe(ref);
    const short = checkAnswer(prompt, `${planet.name} is a planet .`);
    expect(short.issues.map((i) => i.kind)).toEqual(["missing", "missing"]);
  });

  it("counts an error rate per expected unit", () => {
    const ref = referenceAnswer(prompt);
    const bad = ref.replace(` ${planet.facts.capital} `, " zzz ");
    const t = tallyChecks([checkAnswer(prompt, ref), checkAnswer(prompt, bad)]);
    expect(t).toMatchObject({ answers: 2, expected: 6, errors: 1, wrongFacts: 1, clean: 1 });
    expect(errorRate(t)).toBeCloseTo(1 / 6);
  });
});
