// The task's checker: reads an answer to a planet prompt and lists what is wrong with it
// (wrong facts, poor phrasing, unsupported, repeated, garbled or missing sentences), with the
// exact span of each problem and the text that fixes it. Offsets are code points; the task's
// text is ASCII, so they equal string indices.
import { type Attribute, type SentenceTemplate, type TaskPrompt, TEMPLATES } from "./world.js";

/** The kinds of problem the checker finds. */
export type IssueKind =
  | "wrong-fact"
  | "poor-phrasing"
  | "unsupported"
  | "repeated"
  | "garbled"
  | "missing";

/** One problem in an answer; `missing` problems have an empty span at the end of the answer. */
export interface AnswerIssue {
  kind: IssueKind;
  /** the attribute concerned ("name" for the planet's name in the intro) */
  attribute?: Attribute | "name";
  start: number;
  end: number;
  /** answer[start:end] */
  text: string;
  /** replacement that removes the problem (empty string deletes) */
  fix: string;
  comment: string;
}

/** A fact stated by the answer, right or wrong. */
export interface FactMention {
  attribute: Attribute | "name";
  value: string;
  truth: string;
  correct: boolean;
  start: number;
  end: number;
}

/** What the checker found in one answer. */
export interface CheckResult {
  issues: AnswerIssue[];
  facts: FactMention[];
  /** units the answer should have: the intro plus one sentence per prompted attribute */
  expected: number;
  /** number of issues (each missing, wrong or badly written unit counts once) */
  errors: number;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

interface Variant {
  template: SentenceTemplate;
  tokens: string[];
  poor: boolean;
}

const VARIANTS: Variant[] = TEMPLATES.flatMap((template) => [
  { template, tokens: template.good.split(" "), poor: false },
  ...template.poor.map((p) => ({ template, tokens: p.split(" "), poor: true })),
]);

/** Checks `answer` against the fact sheet of `prompt`. */
export function checkAnswer(prompt: TaskPrompt, answer: string): CheckResult {
  const issues: AnswerIssue[] = [];
  const facts: FactMention[] = [];
  const sentences = splitSentences(answer);
  const stated = new Set<string>();

  sentences.forEach((sentence, index) => {
    const match = matchVariant(sentence);
    const whole = deletionRange(sentences, index, answer.length);
    const del = (kind: IssueKind, comment: string) =>
      issues.push({ kind, ...whole, text: answer.slice(whole.start, whole.end), fix: "", comment });
    if (!match) {
      del("garbled", "this sentence does not make sense here; remove it");
      return;
    }
    const { variant, slot } = match;
    const key = variant.template.key;
    if (key !== "intro" && !prompt.attributes.includes(key)) {
      del("unsupported", `the prompt gives no ${key}; remove this sentence`);
      return;
    }
    if (stated.has(key)) {
      del("repeated", `the ${key === "intro" ? "introduction" : key} was already given`);
      return;
    }
    stated.add(key);

    // the fact in the slot
    const attribute = key === "intro" ? "name" : key;
    const truth = key === "intro" ? prompt.planet.name : prompt.planet.facts[key];
    const correct = slot.text === truth;
    facts.push({ attribute, value: slot.text, truth, correct, start: slot.start, end: slot.end });
    if (!correct) {
      issues.push({
        kind: "wrong-fact",
        attribute,
        start: slot.start,
        end: slot.end,
        text: slot.text,
        fix: truth,
        comment: `wrong ${attribute}: the prompt says ${truth}`,
      });
    }

    // the wording around it
    if (variant.poor) issues.push(phrasingIssue(answer, sentence, variant, attribute));
  });

  // prompted facts that never appear
  const end = answer.length;
  for (const key of ["intro", ...prompt.attributes] as const) {
    if (!stated.has(key)) {
      const what = key === "intro" ? "introduction" : key;
      issues.push({ kind: "missing", start: end, end, text: "", fix: "", comment: `no ${what}` });
    }
  }
  issues.sort((a, b) => a.start - b.start || a.end - b.end);
  return { issues, facts, expected: 1 + prompt.attributes.length, errors: issues.length };
}

/** Splits an answer into sentences of space-separated tokens, each ending at a "." token. */
export function splitSentences(answer: string): Token[][] {
  const sentences: Token[][] = [];
  let current: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(answer); m; m = re.exec(answer)) {
    current.push({ text: m[0], start: m.index, end: m.index + m[0].length });
    if (m[0] === ".") {
      sentences.push(current);
      current = [];
    }
  }
  if (current.length > 0) sentences.push(current);
  return sentences;
}

function matchVariant(sentence: Token[]): { variant: Variant; slot: Token } | undefined {
  for (const variant of VARIANTS) {
    if (variant.tokens.length !== sentence.length) continue;
    let slot: Token | undefined;
    let ok = true;
    for (let i = 0; i < sentence.length && ok; i++) {
      if (variant.tokens[i] === "{v}") {
        slot = sentence[i];
        ok = slot.text !== ".";
      } else ok = variant.tokens[i] === sentence[i].text;
    }
    if (ok && slot) return { variant, slot };
  }
  return undefined;
}

function deletionRange(sentences: Token[][], index: number, length: number) {
  const s = sentences[index];
  const start = s[0].start;
  const end = s[s.length - 1].end;
  if (index > 0) return { start: sentences[index - 1].at(-1)!.end, end };
  if (sentences.length > 1) return { start, end: sentences[1][0].start };
  return { start, end: Math.min(end, length) };
}

/**
 * The token range where a poor variant differs from the good wording, as a span of the answer
 * and its replacement. When the good wording has nothing there, the span takes the space before
 * it, so that deleting the span leaves single spaces.
 */
function phrasingIssue(
  answer: string,
  sentence: Token[],
  variant: Variant,
  attribute: Attribute | "name",
): AnswerIssue {
  const { poorRange, goodWords } = diffWithGood(variant);
  const [i, j] = poorRange;
  let start = sentence[i].start;
  const end = sentence[j - 1].end;
  if (goodWords.length === 0) start = sentence[i - 1].end;
  return {
    kind: "poor-phrasing",
    attribute,
    start,
    end,
    text: answer.slice(start, end),
    fix: goodWords.join(" "),
    comment:
      goodWords.length === 0
        ? "wordy: drop these words"
        : `awkward phrasing: say "${goodWords.join(" ")}"`,
  };
}

/** Where a poor variant's tokens differ from its template's good wording. */
export function diffWithGood(variant: { template: SentenceTemplate; tokens: string[] }): {
  poorRange: [number, number];
  goodWords: string[];
} {
  const good = variant.template.good.split(" ");
  const poor = variant.tokens;
  let p = 0;
  while (p < good.length && p < poor.length && good[p] === poor[p]) p++;
  let s = 0;
  while (
    s < good.length - p &&
    s < poor.length - p &&
    good[good.length - 1 - s] === poor[poor.length - 1 - s]
  ) {
    s++;
  }
  return { poorRange: [p, poor.length - s], goodWords: good.slice(p, good.length - s) };
}

/** Summed counts over many checked answers. */
export interface ErrorTally {
  answers: number;
  expected: number;
  errors: number;
  wrongFacts: number;
  facts: number;
  poorPhrasing: number;
  clean: number;
}

/** Adds up check results: error rate = errors / expected units. */
export function tallyChecks(results: CheckResult[]): ErrorTally {
  const t: ErrorTally = {
    answers: 0,
    expected: 0,
    errors: 0,
    wrongFacts: 0,
    facts: 0,
    poorPhrasing: 0,
    clean: 0,
  };
  for (const r of results) {
    t.answers++;
    t.expected += r.expected;
    t.errors += r.errors;
    t.facts += r.facts.length;
    t.wrongFacts += r.facts.filter((f) => !f.correct).length;
    t.poorPhrasing += r.issues.filter((i) => i.kind === "poor-phrasing").length;
    if (r.errors === 0) t.clean++;
  }
  return t;
}

/** Error rate of a tally: problems per expected unit (0 when nothing was expected). */
export function errorRate(t: ErrorTally): number {
  return t.expected > 0 ? t.errors / t.expected : 0;
}
