// Tests of the import adapters on exports shaped like the tools write them, made here.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sliceCodePoints } from "../codepoints.js";
import { formatProblem } from "../problems.js";
import { importArgilla } from "./argilla.js";
import { importFile } from "./index.js";
import { importLabelStudio } from "./labelstudio.js";

const response = "Use 🐍 Python: it's fast.\nDone 👍.";

// Label Studio regions count UTF-16 units: "Python" starts after a surrogate pair
const u16 = (s: string) => response.indexOf(s);

function labelStudioTask() {
  return {
    id: 41,
    data: { prompt: "Which language?", response },
    meta: { batch: "b7" },
    annotations: [
      {
        id: 7,
        completed_by: { id: 3, email: "ann@example.com" },
        was_cancelled: false,
        created_at: "2026-02-01T10:00:00.123456Z",
        updated_at: "2026-02-01T10:05:00Z",
        result: [
          {
            id: "r-fast",
            from_name: "label",
            to_name: "response",
            type: "labels",
            value: { start: u16("fast"), end: u16("fast") + 4, text: "fast", labels: ["Disliked"] },
          },
          {
            id: "r-fast",
            from_name: "comment",
            to_name: "response",
            type: "textarea",
            value: { text: ["depends on the task"] },
          },
          {
            id: "r-fast",
            from_name: "suggestion",
            to_name: "response",
            type: "textarea",
            value: { text: ["easy to read"] },
          },
          {
            id: "r-py",
            from_name: "label",
            to_name: "response",
            type: "labels",
            value: {
              start: u16("Python"),
              end: u16("Python") + 6,
              text: "Python",
              labels: ["Liked"],
            },
          },
          {
            id: "r-done",
            from_name: "label",
            to_name: "response",
            type: "labels",
            value: { start: u16(" 👍"), end: u16(" 👍") + 3, text: " 👍", labels: ["disliked"] },
          },
          {
            id: "r-done",
            from_name: "suggest_text",
            to_name: "response",
            type: "textarea",
            value: { text: ["<delete>"] },
          },
          {
            id: "r-odd",
            from_name: "label",
            to_name: "response",
            type: "labels",
            value: { start: 0, end: 3, text: "Use", labels: ["Maybe"] },
          },
        ],
      },
      { id: 8, was_cancelled: true, result: [] },
    ],
  };
}

describe("importLabelStudio", () => {
  it("converts UTF-16 regions to code points and joins text areas by region id", () => {
    const { records, problems } = importLabelStudio([labelStudioTask()]);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record.id).toBe("41-7");
    expect(record.annotator).toBe("ann@example.com");
    expect(record.created_at).toBe("2026-02-01T10:00:00.123456Z");
    expect(record.metadata).toEqual({
      source: "labelstudio",
      task_id: 41,
      annotation_id: 7,
      task_meta: { batch: "b7" },
    });
    expect(record.spans).toEqual([
      { start: 6, end: 12, label: "liked" },
      {
        start: 19,
        end: 23,
        label: "disliked",
        comment: "depends on the task",
        suggestion: "easy to read",
      },
      { start: 29, end: 31, label: "disliked", suggestion: "" },
    ]);
    for (const s of record.spans) {
      expect(sliceCodePoints(response, s.start, s.end)).toBe(
        { liked: "Python", disliked: s.start === 19 ? "fast" : " 👍" }[s.label],
      );
    }
    expect(problems.map((p) => formatProblem(p, "ls.json"))).toMatchInlineSnapshot(`
      [
        "ls.json: warning: tasks[0].annotations[0].result[id=r-odd]: labels ["Maybe"] mean neither liked nor disliked; map them with --liked-label / --disliked-label (unmapped_label)",
      ]
    `);
  });

  it("reports a task without the response field and a region whose text does not match", () => {
    const task = labelStudioTask();
    task.annotations[0].result[0].value.text = "slow";
    const { records, problems } = importLabelStudio([{ id: 1, data: { text: "x" } }, task]);
    expect(records).toHaveLength(1);
    expect(problems.map((p) => `${p.path}: ${p.code}`)).toEqual([
      "tasks[0].data.response: missing_field",
      "tasks[1].annotations[0].result[id=r-fast]: text_mismatch",
      "tasks[1].annotations[0].result[id=r-odd]: unmapped_label",
    ]);
  });
});

describe("importLabelStudio with a region cutting an emoji in half", () => {
  it("leaves the region out and says why", () => {
    const task = labelStudioTask();
    const region = task.annotations[0].result[3].value;
    // one UTF-16 unit into 🐍, which sits just before " Python"
    region.start = u16("🐍") + 1;
    region.text = response.slice(region.start, region.end);
    const { records, problems } = importLabelStudio([task]);
    expect(records[0].spans.map((s) => s.label)).toEqual(["disliked", "disliked"]);
    expect(formatProblem(problems[0])).toMatchInlineSnapshot(
      `"input: tasks[0].annotations[0].result[id=r-py]: offset 5 falls inside a surrogate pair (an emoji or other character outside the BMP); the region was left out: fix it in Label Studio (splits_surrogate_pair)"`,
    );
  });
});

describe("importArgilla", () => {
  const nested = {
    id: "rec-1",
    _server_id: "9f0c",
    status: "completed",
    fields: { prompt: "Which language?", response },
    metadata: { topic: "code" },
    responses: {
      spans: [
        {
          value: [
            { start: 6, end: 12, label: "good" },
            { start: 19, end: 23, label: "overclaim" },
          ],
          user_id: "u1",
          status: "submitted",
        },
        { value: [{ start: 0, end: 3, label: "vague" }], user_id: "u2", status: "draft" },
      ],
      notes: [{ value: "too confident", user_id: "u1", status: "submitted" }],
    },
    suggestions: {},
  };

  it("maps submitted span answers, labels other than liked becoming disliked with a comment", () => {
    const { records, problems } = importArgilla([nested], {
      liked: ["good"],
      commentQuestion: "notes",
    });
    expect(problems).toEqual([]);
    expect(records).toEqual([
      {
        id: "rec-1-u1",
        prompt: "Which language?",
        response,
        spans: [
          { start: 6, end: 12, label: "liked" },
          { start: 19, end: 23, label: "disliked", comment: "too confident" },
        ],
        annotator: "u1",
        metadata: {
          source: "argilla",
          record_id: "rec-1",
          status: "submitted",
          record_metadata: { topic: "code" },
        },
      },
    ]);
  });

  it("reads the flattened export and keeps the label as the comment", () => {
    const flat = {
      id: "rec-2",
      prompt: "Which language?",
      response,
      "spans.responses": [[{ start: 19, end: 23, label: "overclaim" }]],
      "spans.responses.users": ["u3"],
      "spans.responses.status": ["submitted"],
    };
    const { records } = importArgilla([flat], { liked: ["good"] });
    expect(records[0].id).toBe("rec-2-u3");
    expect(records[0].spans).toEqual([
      { start: 19, end: 23, label: "disliked", comment: "overclaim" },
    ]);
  });

  it("converts offsets when told the export counts UTF-16 units", () => {
    const flat = {
      id: "rec-3",
      prompt: "p",
      response,
      "spans.responses": [[{ start: u16("Python"), end: u16("Python") + 6, label: "liked" }]],
    };
    const { records } = importArgilla([flat], { offsets: "utf16" });
    expect(records[0].spans).toEqual([{ start: 6, end: 12, label: "liked" }]);
  });
});

describe("importFile", () => {
  it("writes JSONL and checks the records with the validation rules", async () => {
    const dir = mkdtempSync(join(tmpdir(), "redline-import-"));
    const input = join(dir, "export.json");
    const task = labelStudioTask();
    // a disliked region with neither comment nor suggestion
    task.annotations[0].result.splice(1, 2);
    writeFileSync(input, JSON.stringify([task]));
    const summary = await importFile({
      input,
      output: join(dir, "out.jsonl"),
      from: "labelstudio",
    });
    expect(summary.records).toBe(1);
    expect(summary.invalid).toBe(1);
    expect(summary.problems.map((p) => p.code)).toEqual([
      "unmapped_label",
      "missing_comment_and_suggestion",
    ]);
    const lines = readFileSync(join(dir, "out.jsonl"), "utf8").trim().split("\n");
    expect(JSON.parse(lines[0]).id).toBe("41-7");
  });

  it("names the file's own line number for a bad JSONL line after blank lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "redline-import-"));
    const input = join(dir, "export.jsonl");
    writeFileSync(input, '{"id":"a"}\n\n{"id":"b"}\n{"id":\n');
    await expect(
      importFile({ input, output: join(dir, "out.jsonl"), from: "argilla" }),
    ).rejects.toThrow(`${input}:4 is not valid JSON`);
  });
});

describe("import adapters on arbitrary JSON", () => {
  it("never throw, whatever the export holds", () => {
    const anything = fc.jsonValue({ maxDepth: 4 });
    const task = fc.record({
      id: anything,
      data: fc.oneof(
        anything,
        fc.record({ prompt: anything, response: fc.oneof(fc.string(), anything) }),
      ),
      annotations: fc.oneof(anything, fc.array(fc.record({ id: anything, result: anything }))),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(task, anything), { maxLength: 4 }), (items) => {
        importLabelStudio(items);
        importArgilla(items, { offsets: "utf16" });
        importArgilla(items);
      }),
      { numRuns: 300 },
    );
  });
});
