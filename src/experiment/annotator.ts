// A simulated annotator for the bundled task. It is a program, not a person: it reads a
// sampled answer through the task's checker, marks wrong facts and poor phrasing as disliked
// spans with a comment and a suggested fix, marks some correct facts as liked, and judges
// pairs of whole answers (A/B). Its noise is set by AnnotatorNoise: missed errors, wrong
// labels, and A/B choices that become coin flips when two answers are close.
import type { FeedbackRecord, Span } from "../feedback/schema.js";
import { checkAnswer } from "./checker.js";
import type { Rng } from "./rng.js";
import type { TaskPrompt, World } from "./world.js";

/** How the simulated annotator errs. All rates are probabilities in [0, 1]. */
export interface AnnotatorNoise {
  /** an error in the answer is left unmarked */
  missRate: number;
  /** a mark gets the wrong label: an error marked liked, or a correct fact marked disliked
   *  with a wrong "fix" */
  wrongLabelRate: number;
  /** a correct fact is marked liked (when not mislabelled) */
  likedRate: number;
  /**
   * A/B choices follow a Bradley–Terry model on the error counts:
   * P(A) = sigmoid((errors(B) − errors(A)) / abTemperature). 0 means always pick the answer
   * with fewer errors (ties split at random); larger values flip close calls more often.
   */
  abTemperature: number;
}

/** An annotator who never errs and marks every correct fact as liked. */
export const NOISELESS: AnnotatorNoise = {
  missRate: 0,
  wrongLabelRate: 0,
  likedRate: 1,
  abTemperature: 0,
};

/** The default noise of the experiment: a careful but imperfect annotator. */
export const DEFAULT_NOISE: AnnotatorNoise = {
  missRate: 0.1,
  wrongLabelRate: 0.03,
  likedRate: 0.3,
  abTemperature: 0.5,
};

/** Options of one span annotation. */
export interface AnnotateOptions {
  id: string;
  world: World;
  noise: AnnotatorNoise;
  rng: Rng;
}

/**
 * Annotates one answer with spans. Disliked spans carry the checker's fix as `suggestion`,
 * so the suggestion reviser can rewrite them into an improvement chain.
 */
export function annotateAnswer(
  prompt: TaskPrompt,
  answer: string,
  options: AnnotateOptions,
): FeedbackRecord {
  const { noise, rng, world } = options;
  const check = checkAnswer(prompt, answer);
  const spans: Span[] = [];

  // errors: marked disliked unless missed or mislabelled
  for (const issue of check.issues) {
    if (issue.kind === "missing" || issue.start === issue.end) continue;
    if (rng.chance(noise.missRate)) continue;
    if (rng.chance(noise.wrongLabelRate)) {
      spans.push({ start: issue.start, end: issue.end, label: "liked", comment: "looks fine" });
      continue;
    }
    spans.push({
      start: issue.start,
      end: issue.end,
      label: "disliked",
      comment: issue.comment,
      suggestion: issue.fix,
      text: issue.text,
    });
  }

  // correct facts: sometimes liked, rarely "fixed" into a wrong value
  for (const fact of check.facts) {
    if (!fact.correct) continue;
    if (rng.chance(noise.wrongLabelRate)) {
      const pool =
        fact.attribute === "name" ? world.planets.map((p) => p.name) : world.values[fact.attribute];
      const wrong = pool.filter((v) => v !== fact.value);
      if (wrong.length > 0) {
        const suggestion = rng.pick(wrong);
        spans.push({
          start: fact.start,
          end: fact.end,
          label: "disliked",
          comment: `wrong ${fact.attribute}: should be ${suggestion}`,
          suggestion,
          text: fact.value,
        });
        continue;
      }
    }
    if (rng.chance(noise.likedRate)) {
      spans.push({
        start: fact.start,
        end: fact.end,
        label: "liked",
        comment: `correct ${fact.attribute}`,
        text: fact.value,
      });
    }
  }

  spans.sort((a, b) => a.start - b.start);
  return {
    id: options.id,
    prompt: prompt.text,
    response: answer,
    spans,
    annotator: "simulated",
    metadata: { task_prompt: prompt.id, checker_errors: check.errors },
  };
}

/** The outcome of one A/B judgment. */
export interface AbJudgment {
  winner: "a" | "b";
  errorsA: number;
  errorsB: number;
}

/** Judges which of two answers to `prompt` is better, with the annotator's A/B noise. */
export function judgeAb(
  prompt: TaskPrompt,
  a: string,
  b: string,
  noise: AnnotatorNoise,
  rng: Rng,
): AbJudgment {
  const errorsA = checkAnswer(prompt, a).errors;
  const errorsB = checkAnswer(prompt, b).errors;
  return { winner: chooseAb(errorsA, errorsB, noise.abTemperature, rng), errorsA, errorsB };
}

/** The Bradley–Terry choice between two error counts; see AnnotatorNoise.abTemperature. */
export function chooseAb(errorsA: number, errorsB: number, temperature: number, rng: Rng) {
  if (temperature <= 0) {
    if (errorsA === errorsB) return rng.chance(0.5) ? "a" : "b";
    return errorsA < errorsB ? "a" : "b";
  }
  const pA = 1 / (1 + Math.exp(-(errorsB - errorsA) / temperature));
  return rng.chance(pA) ? "a" : "b";
}
