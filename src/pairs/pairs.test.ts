// Tests of preference pairs: each strategy, edited ranges, no-op and duplicate dropping, and the
// two ways of giving A/B judgments, through real files.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildChain } from "../chains/build.js";
import { createSuggestionReviser } from "../chains/suggestion-reviser.js";
import type { Chain } from "../chains/types.js";
import { sliceCodePoints, spliceCodePoints } from "../feedback/codepoints.js";
import type { FeedbackRecord } from "../feedback/schema.js";
import { pairsFromChain } from "./build.js";
import { diffRanges } from "./diff.js";
import { writePairs } from "./run.js";
import type { PreferencePair } from "./types.js";

const record: FeedbackRecord = {
  id: "r1",
  prompt: [{ role: "user", content: "Describe the cat." }],
  response: "Teh cat is 🐈 big. It sleeps.",
  spans: [
    { start: 0, end: 3, label: "disliked", suggestion: "The" },
    { start: 11, end: 13, label: "disliked", suggestion: "" },
    { start: 19, end: 28, label: "liked" },
  ],
  metadata: { batch: 1 },
};

async function chainOf(r: FeedbackRecord): Promise<Chain> {
  return buildChain(r, createSuggestionReviser());
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "redline-pairs-"));
}

function readPairs(path: string): PreferencePair[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("pairsFromChain", () => {
  it("makes one pair per edit for chain, later draft preferred, with the edit's ranges", async () => {
    const pairs = pairsFromChain(await chainOf(record), "chain");
    expect(pairs.map((p) => [p.id, p.rejected, p.chosen])).toEqual([
      ["r1:chain:0-1", "Teh cat is 🐈 big. It sleeps.", "The cat is 🐈 big. It sleeps."],
      ["r1:chain:1-2", "The cat is 🐈 big. It sleeps.", "The cat is big. It sleeps."],
    ]);
    expect(pairs[1]).toMatchObject({
      rejected_range: [11, 13],
      chosen_range: [11, 11],
      edits: [{ span_index: 1, reviser: "suggestion" }],
      metadata: { batch: 1 },
      source_id: "r1",
      rejected_step: 1,
      chosen_step: 2,
    });
  });

  it("pairs every earlier draft with every later one for chain-all, ranges by diff", async () => {
    const pairs = pairsFromChain(await chainOf(record), "chain-all");
    expect(pairs.map((p) => p.id)).toEqual([
      "r1:chain-all:0-1",
      "r1:chain-all:0-2",
      "r1:chain-all:1-2",
    ]);
    const wide = pairs[1];
    expect(wide.rejected_range).toEqual([1, 12]);
    expect(wide.chosen_range).toEqual([1, 10]);
    expect(wide.edits?.map((e) => e.span_index)).toEqual([0, 1]);
  });

  it("pairs the original with the final draft for rewrite, and nothing for an unedited chain", async () => {
    const [pair] = pairsFromChain(await chainOf(record), "rewrite");
    expect([pair.rejected_step, pair.chosen_step]).toEqual([0, 2]);
    const untouched = await chainOf({ ...record, spans: [] });
    expect(pairsFromChain(untouched, "rewrite")).toEqual([]);
  });
});

describe("diffRanges", () => {
  it("finds the differing code points without splitting an emoji", () => {
    expect(diffRanges("a 😀 b", "a 😃 b")).toEqual({
      rejected_range: [2, 3],
      chosen_range: [2, 3],
    });
    expect(diffRanges("same", "same")).toEqual({ rejected_range: [4, 4], chosen_range: [4, 4] });
  });

  const char = fc.constantFrom("a", "b", "😀", "😃", "漢", "e\u0301", "\n");
  const text = fc.array(char, { maxLength: 12 }).map((c) => c.join(""));

  it("leaves equal text outside the ranges, and the chosen range turns rejected into chosen", () => {
    fc.assert(
      fc.property(text, text, (rejected, chosen) => {
        const { rejected_range: r, chosen_range: c } = diffRanges(rejected, chosen);
        expect(r[0]).toBe(c[0]);
        const middle = sliceCodePoints(chosen, c[0], c[1]);
        expect(spliceCodePoints(rejected, r[0], r[1], middle)).toBe(chosen);
      }),
      { numRuns: 500 },
    );
  });
});

describe("writePairs", () => {
  it("drops no-op pairs and exact duplicates and counts them", async () => {
    const dir = tempDir();
    const noop: FeedbackRecord = {
      id: "r2",
      prompt: "p",
      response: "same",
      spans: [{ start: 0, end: 4, label: "disliked", suggestion: "same" }],
    };
    const chains = [
      await chainOf(record),
      await chainOf({ ...record, id: "r1-copy" }),
      await chainOf(noop),
    ];
    writeFileSync(join(dir, "chains.jsonl"), chains.map((c) => JSON.stringify(c)).join("\n"));
    const summary = await writePairs({
      input: join(dir, "chains.jsonl"),
      output: join(dir, "pairs.jsonl"),
      strategy: "chain",
    });
    expect(summary).toMatchObject({ pairs: 2, noop: 1, duplicates: 2 });
    expect(readPairs(join(dir, "pairs.jsonl")).map((p) => p.id)).toEqual([
      "r1:chain:0-1",
      "r1:chain:1-2",
    ]);
  });

  it("skips a chain line that is not a chain and keeps the rest", async () => {
    const dir = tempDir();
    const lines = ["{}", JSON.stringify(await chainOf(record))];
    writeFileSync(join(dir, "chains.jsonl"), lines.join("\n"));
    const summary = await writePairs({
      input: join(dir, "chains.jsonl"),
      output: join(dir, "pairs.jsonl"),
      strategy: "rewrite",
    });
    expect(summary.input).toEqual({ lines: 2, valid: 1, skipped: 1 });
    expect(summary.pairs).toBe(1);
  });
});

describe("writePairs with the ab strategy", () => {
  const answers = (prompt: string, scores: (number | undefined)[]) =>
    scores.map((score, i) => ({
      id: `${prompt}-${i}`,
      prompt,
      response: `answer ${i} to ${prompt}`,
      spans: [],
      ...(score !== undefined && { metadata: { score } }),
    }));

  it("pairs responses to one prompt by metadata.score, higher preferred, ties and unscored left out", async () => {
    const dir = tempDir();
    const records = [...answers("p", [1, 3, 3]), ...answers("q", [2, undefined])];
    writeFileSync(join(dir, "fb.jsonl"), records.map((r) => JSON.stringify(r)).join("\n"));
    const summary = await writePairs({
      input: join(dir, "fb.jsonl"),
      output: join(dir, "pairs.jsonl"),
      strategy: "ab",
    });
    expect(summary).toMatchObject({ pairs: 2, unscored: 1, unmatched: 0 });
    const pairs = readPairs(join(dir, "pairs.jsonl"));
    expect(pairs.map((p) => p.id)).toEqual(["p-1:ab:p-0", "p-2:ab:p-0"]);
    expect(pairs[0]).toMatchObject({
      chosen: "answer 1 to p",
      rejected: "answer 0 to p",
      rejected_source_id: "p-0",
      chosen_range: [7, 8],
      rejected_range: [7, 8],
    });
  });

  it("pairs the records a judgments file names, and reports judgments it cannot use", async () => {
    const dir = tempDir();
    const records = [...answers("p", [undefined, undefined]), ...answers("q", [undefined])];
    writeFileSync(join(dir, "fb.jsonl"), records.map((r) => JSON.stringify(r)).join("\n"));
    const judgments = [
      { chosen_id: "p-0", rejected_id: "p-1" },
      { chosen_id: "p-0", rejected_id: "q-0" },
      { chosen_id: "p-0", rejected_id: "nope" },
    ];
    writeFileSync(join(dir, "ab.jsonl"), judgments.map((j) => JSON.stringify(j)).join("\n"));
    const warnings: string[] = [];
    const summary = await writePairs({
      input: join(dir, "fb.jsonl"),
      output: join(dir, "pairs.jsonl"),
      strategy: "ab",
      judgments: join(dir, "ab.jsonl"),
      logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
    });
    expect(summary).toMatchObject({ pairs: 1, unmatched: 2 });
    expect(readPairs(join(dir, "pairs.jsonl"))[0].id).toBe("p-0:ab:p-1");
    expect(warnings.map((w) => w.replace(dir, "<dir>"))).toMatchInlineSnapshot(`
      [
        "judgment p-0 > q-0: the two records answer different prompts; an A/B pair needs one prompt",
        "judgment p-0 > nope: no valid record "nope" in <dir>/fb.jsonl",
      ]
    `);
  });

  it("does not tell a judgment with an unknown field to use metadata, which judgments lack", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "fb.jsonl"), JSON.stringify(answers("p", [undefined])[0]));
    writeFileSync(join(dir, "ab.jsonl"), '{"chosen_id":"p-0","rejected_id":"p-1","note":"x"}\n');
    const warnings: string[] = [];
    await writePairs({
      input: join(dir, "fb.jsonl"),
      output: join(dir, "pairs.jsonl"),
      strategy: "ab",
      judgments: join(dir, "ab.jsonl"),
      logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
    });
    expect(warnings.map((w) => w.replace(dir, "<dir>"))).toMatchInlineSnapshot(`
      [
        "skipped judgment: <dir>/ab.jsonl:1: note: unknown field "note"; allowed fields here are chosen_id, rejected_id, annotator, comment (unknown_field)",
      ]
    `);
  });
});
