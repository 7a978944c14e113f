// The bundled task: a seeded catalogue of fictional planets and prompts that ask for a
// faithful description of one planet's fact sheet. Answers are built from sentence templates;
// each template has one good phrasing and some poor ones, so that a checker can tell exactly
// which facts are wrong and which phrasing is poor. Every token is a lowercase word or a
// punctuation mark separated by single spaces, so a word-level tokenizer covers the task.
import { createRng, type Rng } from "./rng.js";

/** The attributes a planet has, in the order the catalogue lists them. */
export const ATTRIBUTES = ["colour", "size", "capital", "moons", "climate"] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

/** One fictional planet. */
export interface Planet {
  name: string;
  facts: Record<Attribute, string>;
}

/** The generated catalogue and the value set of every attribute. */
export interface World {
  seed: number;
  planets: Planet[];
  values: Record<Attribute, string[]>;
}

/** One prompt of the task: describe `planet` from the listed attributes, in their order. */
export interface TaskPrompt {
  id: string;
  planet: Planet;
  attributes: Attribute[];
  text: string;
}

/**
 * A sentence template: `good` is the preferred wording, `poor` the wordy or awkward variants.
 * `{v}` marks the one slot (the planet name for `intro`, else the attribute value).
 */
export interface SentenceTemplate {
  key: Attribute | "intro";
  good: string;
  poor: string[];
}

/** The sentence templates of the task; poor variants differ from `good` away from the slot. */
export const TEMPLATES: readonly SentenceTemplate[] = [
  {
    key: "intro",
    good: "{v} is a planet .",
    poor: ["{v} is a planet you know .", "{v} is like a planet thing ."],
  },
  {
    key: "colour",
    good: "its colour is {v} .",
    poor: ["its colour is kind of like {v} .", "the colour of it is {v} ."],
  },
  {
    key: "size",
    good: "it is {v} in size .",
    poor: ["it is quite very {v} in size .", "it is {v} in its size and scale ."],
  },
  {
    key: "capital",
    good: "its capital is {v} .",
    poor: ["its capital city is called as {v} .", "the capital of it is {v} ."],
  },
  {
    key: "moons",
    good: "it has {v} moons .",
    poor: ["it has got like {v} moons .", "it has {v} moons in total number ."],
  },
  {
    key: "climate",
    good: "the climate is {v} .",
    poor: ["the climate is kind of sort of {v} .", "the weather climate is {v} ."],
  },
];

const COLOURS = ["red", "blue", "green", "amber", "violet", "grey", "white", "black"];
const SIZES = ["tiny", "small", "large", "huge"];
const CLIMATES = ["hot", "cold", "wet", "dry", "windy", "mild"];
const MOONS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
const ONSETS = ["b", "d", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "th", "dr", "qu"];
const VOWELS = ["a", "e", "i", "o", "u", "ai", "or", "ar"];
const CODAS = ["", "n", "x", "k", "l", "s", "th", "r"];

/** Options of the world generator. */
export interface WorldOptions {
  seed: number;
  /** number of planets (each has a unique name and capital) */
  planets: number;
}

/** Generates the catalogue of planets; the same options always give the same world. */
export function generateWorld(options: WorldOptions): World {
  const rng = createRng(options.seed).fork("world");
  const reserved = new Set(vocabularyOfTemplates());
  const names = uniqueWords(rng, options.planets, reserved);
  for (const n of names) reserved.add(n);
  const capitals = uniqueWords(rng, options.planets, reserved);
  const values: Record<Attribute, string[]> = {
    colour: COLOURS,
    size: SIZES,
    capital: capitals,
    moons: MOONS,
    climate: CLIMATES,
  };
  const planets = names.map((name, i) => ({
    name,
    facts: {
      colour: rng.pick(COLOURS),
      size: rng.pick(SIZES),
      capital: capitals[i],
      moons: rng.pick(MOONS),
      climate: rng.pick(CLIMATES),
    },
  }));
  return { seed: options.seed, planets, values };
}

function uniqueWords(rng: Rng, count: number, taken: Set<string>): string[] {
  const out: string[] = [];
  const seen = new Set(taken);
  for (let tries = 0; out.length < count; tries++) {
    if (tries > count * 1000) {
      throw new Error(`generateWorld: could not make ${count} unique names; ask for fewer planets`);
    }
    const syllables = 2 + rng.int(2);
    let word = "";
    for (let s = 0; s < syllables; s++) word += rng.pick(ONSETS) + rng.pick(VOWELS);
    word += rng.pick(CODAS);
    if (!seen.has(word)) {
      seen.add(word);
      out.push(word);
    }
  }
  return out;
}

/** Words used by prompts and templates, besides names and attribute values. */
export function vocabularyOfTemplates(): string[] {
  const words = new Set<string>(["describe", "[", "]", ";", ...ATTRIBUTES]);
  for (const t of TEMPLATES) {
    for (const s of [t.good, ...t.poor])
      for (const w of s.split(" ")) if (w !== "{v}") words.add(w);
  }
  return [...words];
}

/** Every word the task can produce, in a stable order (for the tokenizer). */
export function vocabularyOfWorld(world: World): string[] {
  const words = new Set(vocabularyOfTemplates());
  for (const p of world.planets) words.add(p.name);
  for (const a of ATTRIBUTES) for (const v of world.values[a]) words.add(v);
  return [...words];
}

/**
 * Renders a prompt asking for a description of `planet` from the given attributes, e.g.
 * "describe zorvak [ colour red ; moons 3 ]"; the closing bracket marks where the answer starts.
 */
export function renderPrompt(planet: Planet, attributes: Attribute[]): string {
  const parts = attributes.map((a) => `${a} ${planet.facts[a]}`);
  return `describe ${planet.name} [ ${parts.join(" ; ")} ]`;
}

/** Options of the prompt sampler. */
export interface PromptOptions {
  /** fewest and most attributes a prompt lists */
  minAttributes: number;
  maxAttributes: number;
}

/** Draws one prompt about `planet`: a random subset of attributes in random order. */
export function samplePrompt(
  planet: Planet,
  rng: Rng,
  options: PromptOptions,
  id: string,
): TaskPrompt {
  const span = options.maxAttributes - options.minAttributes + 1;
  const k = Math.min(ATTRIBUTES.length, options.minAttributes + rng.int(Math.max(1, span)));
  const attributes = rng.shuffle(ATTRIBUTES).slice(0, k);
  return { id, planet, attributes, text: renderPrompt(planet, attributes) };
}

/** Options of answer rendering: how often a fact is wrong and a sentence is poorly phrased. */
export interface CorruptionOptions {
  /** probability that a stated fact is replaced by another value of the same attribute */
  wrongFact: number;
  /** probability that a sentence uses one of its poor phrasings */
  poorPhrasing: number;
}

/** The reference answer: every fact right and every sentence in its good phrasing. */
export function referenceAnswer(prompt: TaskPrompt): string {
  return renderAnswer(prompt, createRng(0), { wrongFact: 0, poorPhrasing: 0 });
}

/**
 * Renders an answer to `prompt`: the intro sentence, then one sentence per prompted attribute
 * in prompt order, each fact wrong and each sentence poorly phrased with the given odds.
 */
export function renderAnswer(
  prompt: TaskPrompt,
  rng: Rng,
  corruption: CorruptionOptions,
  world?: World,
): string {
  const sentences: string[] = [];
  const intro = templateOf("intro");
  sentences.push(fill(phrase(intro, rng, corruption.poorPhrasing), prompt.planet.name));
  for (const a of prompt.attributes) {
    let value = prompt.planet.facts[a];
    if (corruption.wrongFact > 0 && rng.chance(corruption.wrongFact)) {
      const pool = (world?.values[a] ?? defaultValues(a, prompt)).filter((v) => v !== value);
      if (pool.length > 0) value = rng.pick(pool);
    }
    sentences.push(fill(phrase(templateOf(a), rng, corruption.poorPhrasing), value));
  }
  return sentences.join(" ");
}

function defaultValues(a: Attribute, prompt: TaskPrompt): string[] {
  const fixed: Partial<Record<Attribute, string[]>> = {
    colour: COLOURS,
    size: SIZES,
    moons: MOONS,
    climate: CLIMATES,
  };
  return fixed[a] ?? [prompt.planet.facts[a]];
}

function phrase(t: SentenceTemplate, rng: Rng, poor: number): string {
  return poor > 0 && rng.chance(poor) ? rng.pick(t.poor) : t.good;
}

function fill(template: string, value: string): string {
  return template.replace("{v}", value);
}

/** The template of a sentence key; throws on an unknown key. */
export function templateOf(key: SentenceTemplate["key"]): SentenceTemplate {
  const t = TEMPLATES.find((x) => x.key === key);
  if (!t) throw new Error(`templateOf: no template for "${key}"`);
  return t;
}
