// The API against real stores: the same suite on a SQLite file and on a PostgreSQL schema.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FeedbackRecord } from "../feedback/schema.js";
import { createUser } from "../store/index.js";
import { type TestStore, testStoreKinds } from "../store/testing.js";
import { createApp } from "./app.js";
import { hashPassword } from "./passwords.js";
import { createTestClient, type TestClient } from "./testing.js";

const kinds = testStoreKinds();
for (const k of kinds) if (k.skip) console.warn(`API suite on ${k.name} skipped: ${k.skip}`);

const PASSWORD = "correct horse battery";

const records: FeedbackRecord[] = [
  {
    id: "r1",
    prompt: [{ role: "user", content: "Say hi 👋" }],
    response: "🙂 Hello, world!\nSecond line with `code`.",
    spans: [
      { start: 2, end: 7, label: "liked", text: "Hello" },
      { start: 9, end: 14, label: "disliked", comment: "too generic", suggestion: "there" },
    ],
    annotator: "importer",
    created_at: "2026-01-02T03:04:05.000Z",
    metadata: { source: "test", n: 3 },
  },
  {
    id: "r2",
    prompt: "Plain prompt",
    response: "No spans yet, ünïcödé 𝄞.",
    spans: [],
    annotator: "importer",
  },
];
const jsonl = records.map((r) => JSON.stringify(r)).join("\n") + "\n";

describe.each(kinds.map((k) => [k.name, k] as const))("API on %s", (_name, kind) => {
  let store: TestStore;
  let app: ReturnType<typeof createApp>;
  let admin: TestClient;

  async function addUser(username: string, role: "admin" | "annotator" = "annotator") {
    await createUser(store, { username, role, passwordHash: await hashPassword(PASSWORD) });
    const client = createTestClient({ app });
    expect((await client.login(username, PASSWORD)).status).toBe(200);
    return client;
  }

  async function makeProject(name: string, lines = jsonl): Promise<string> {
    const created = await admin.send("POST", "/api/admin/projects", { name });
    expect(created.status).toBe(201);
    const { project } = (await created.json()) as { project: { id: string } };
    const imported = await admin.send("POST", `/api/admin/projects/${project.id}/items`, {
      jsonl: lines,
    });
    expect(imported.status).toBe(200);
    return project.id;
  }

  async function queueOf(client: TestClient, pid: string) {
    const res = await client.get(`/api/projects/${pid}/queue`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { queue: { id: string; ext_id: string; status: string }[] })
      .queue;
  }

  beforeEach(async (ctx) => {
    if (kind.skip) ctx.skip();
    store = await kind.open();
    app = createApp({ store, webRoot: "/nonexistent" });
    admin = await addUser("boss", "admin");
  });

  afterEach(async () => {
    await store?.dispose();
  });

  it("round-trips an imported feedback file exactly through export", async () => {
    const pid = await makeProject("roundtrip");
    const res = await admin.get(`/api/admin/projects/${pid}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    expect(await res.text()).toBe(jsonl);
  });

  it("takes sampled answers without spans or annotator as items only", async () => {
    const sampled = [
      { id: "p#0", prompt: "Q", response: "A", spans: [], metadata: { sample: 0 } },
      { id: "p#1", prompt: "Q", response: "B" },
    ];
    const pid = await makeProject("sampled", sampled.map((r) => JSON.stringify(r)).join("\n"));
    expect(await (await admin.get(`/api/admin/projects/${pid}/export`)).text()).toBe("");
    expect((await queueOf(admin, pid)).map((q) => [q.ext_id, q.status])).toEqual([
      ["p#0", "new"],
      ["p#1", "new"],
    ]);
  });

  it("imports the same file twice without duplicating items", async () => {
    const pid = await makeProject("twice");
    const again = await admin.send("POST", `/api/admin/projects/${pid}/items`, { jsonl });
    expect(await again.json()).toEqual({ items: 0, unchanged: 2, annotations: 2 });
    const changed = jsonl.replace("Plain prompt", "Another prompt");
    const clash = await admin.send("POST", `/api/admin/projects/${pid}/items`, { jsonl: changed });
    expect(clash.status).toBe(409);
  });

  it("reports bad import lines with line numbers and paths", async () => {
    const created = await admin.send("POST", "/api/admin/projects", { name: "bad" });
    const { project } = (await created.json()) as { project: { id: string } };
    const bad = [
      JSON.stringify({
        id: "a",
        prompt: "p",
        response: "abc",
        spans: [{ start: 1, end: 9, label: "liked" }],
      }),
      "not json",
      JSON.stringify({
        id: "b",
        prompt: "p",
        response: "abc",
        spans: [{ start: 0, end: 1, label: "disliked" }],
      }),
    ].join("\n");
    const res = await admin.send("POST", `/api/admin/projects/${project.id}/items`, { jsonl: bad });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { problems: { line: number; path: unknown[] }[] };
    expect(body.problems.map((p) => [p.line, p.path])).toEqual([
      [1, ["spans", 0, "end"]],
      [2, []],
      [3, ["spans", 0]],
    ]);
  });

  it("lets an assigned annotator save spans and exports them in code points", async () => {
    const pid = await makeProject("work");
    const ann = await addUser("ann");
    expect((await admin.send("PUT", `/api/admin/projects/${pid}/assignments/ann`)).status).toBe(
      200,
    );

    const list = (await (await ann.get("/api/projects")).json()) as { projects: { id: string }[] };
    expect(list.projects.map((p) => p.id)).toEqual([pid]);
    const queue = await queueOf(ann, pid);
    expect(queue.map((q) => [q.ext_id, q.status])).toEqual([
      ["r1", "new"],
      ["r2", "new"],
    ]);

    // "No spans yet, ünïcödé 𝄞." — the clef is one code point at 22
    const item = queue[1].id;
    const spans = [
      { start: 14, end: 21, label: "disliked", comment: "<b>bold?</b>", suggestion: "unicode" },
      { start: 22, end: 23, label: "liked", text: "𝄞" },
    ];
    const saved = await ann.send("PUT", `/api/items/${item}/annotation`, { spans });
    expect(saved.status).toBe(200);
    const again = await ann.send("PUT", `/api/items/${item}/annotation`, {
      spans,
      submitted: true,
    });
    const { annotation } = (await again.json()) as { annotation: { revision: number } };
    expect(annotation.revision).toBe(2);

    const shown = (await (await ann.get(`/api/items/${item}`)).json()) as {
      annotation: { spans: unknown[]; submitted: boolean };
    };
    expect(shown.annotation).toMatchObject({ spans, submitted: true });
    expect((await queueOf(ann, pid))[1].status).toBe("done");

    const text = await (await admin.get(`/api/admin/projects/${pid}/export?annotator=ann`)).text();
    const exported = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as FeedbackRecord);
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ id: "r2#ann", annotator: "ann", spans });
    const cps = Array.from(exported[0].response);
    expect(cps.slice(14, 21).join("")).toBe("ünïcödé");
  });

  it("refuses spans that do not fit the response, saying which and why", async () => {
    const pid = await makeProject("fit");
    const ann = await addUser("ann");
    await admin.send("PUT", `/api/admin/projects/${pid}/assignments/ann`);
    const [first] = await queueOf(ann, pid);
    const res = await ann.send("PUT", `/api/items/${first.id}/annotation`, {
      spans: [
        { start: 0, end: 1, label: "liked", text: "x" },
        { start: 3, end: 2, label: "disliked" },
        { start: 0, end: 1, label: "meh" },
      ],
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { problems: { code: string; path: unknown[] }[] };
    expect(body.problems.map((p) => [p.code, p.path.join(".")])).toEqual([
      ["text_mismatch", "spans.0.text"],
      ["inverted_span", "spans.1"],
      ["invalid_shape", "spans.2.label"],
    ]);
  });

  it("saves unfinished spans but marks done only what the validator accepts", async () => {
    const pid = await makeProject("done");
    const ann = await addUser("ann");
    await admin.send("PUT", `/api/admin/projects/${pid}/assignments/ann`);
    const [, item] = await queueOf(ann, pid);
    const url = `/api/items/${item.id}/annotation`;
    const spans = [
      { start: 0, end: 6, label: "disliked" },
      { start: 3, end: 8, label: "disliked", comment: "overlaps" },
    ];
    expect((await ann.send("PUT", url, { spans })).status).toBe(200);
    const done = await ann.send("PUT", url, { spans, submitted: true });
    expect(done.status).toBe(422);
    const body = (await done.json()) as { problems: { code: string; path: unknown[] }[] };
    expect(body.problems.map((p) => [p.code, p.path])).toEqual([
      ["missing_comment_and_suggestion", ["spans", 0]],
      ["overlapping_spans", ["spans", 1]],
    ]);
    expect((await queueOf(ann, pid))[1].status).toBe("started");
  });

  it("keeps annotators to their assigned projects and out of admin routes", async () => {
    const mine = await makeProject("mine");
    const theirs = await makeProject("theirs", jsonl.replaceAll('"id":"r', '"id":"s'));
    const ann = await addUser("ann");
    await admin.send("PUT", `/api/admin/projects/${mine}/assignments/ann`);
    const [foreign] = await queueOf(admin, theirs);

    expect((await ann.get(`/api/projects/${theirs}`)).status).toBe(404);
    expect((await ann.get(`/api/projects/${theirs}/queue`)).status).toBe(404);
    expect((await ann.get(`/api/items/${foreign.id}`)).status).toBe(404);
    const write = await ann.send("PUT", `/api/items/${foreign.id}/annotation`, { spans: [] });
    expect(write.status).toBe(404);
    expect((await ann.get(`/api/admin/projects/${mine}/export`)).status).toBe(403);
    expect((await ann.send("POST", "/api/admin/projects", { name: "x" })).status).toBe(403);
    expect((await ann.get("/api/admin/users")).status).toBe(403);
  });

  it("shows imported chains beside their item", async () => {
    const pid = await makeProject("chains");
    const chain = {
      id: "r1",
      prompt: "p",
      status: "complete",
      rejected: [],
      steps: [
        { index: 0, text: "🙂 Hello, world!", spans: [] },
        {
          index: 1,
          text: "🙂 Hello, there!",
          spans: [],
          edit: {
            span_index: 1,
            before: "world",
            after: "there",
            range_before: [9, 14],
            range_after: [9, 14],
            reviser: "suggestion",
          },
        },
      ],
    };
    const res = await admin.send("POST", `/api/admin/projects/${pid}/chains`, {
      jsonl: JSON.stringify(chain),
    });
    expect(await res.json()).toEqual({ chains: 1, linked: 1 });
    const [first] = await queueOf(admin, pid);
    const shown = (await (await admin.get(`/api/items/${first.id}`)).json()) as {
      chains: unknown[];
    };
    expect(shown.chains).toEqual([chain]);
  });

  it("reports progress and agreement between two annotators", async () => {
    const pid = await makeProject("quality");
    const a = await addUser("ann");
    const b = await addUser("bob");
    await admin.send("PUT", `/api/admin/projects/${pid}/assignments/ann`);
    await admin.send("PUT", `/api/admin/projects/${pid}/assignments/bob`);
    const [, item] = await queueOf(a, pid);
    const url = `/api/items/${item.id}/annotation`;
    await a.send("PUT", url, { spans: [{ start: 0, end: 4, label: "liked" }], submitted: true });
    const disliked = { start: 2, end: 6, label: "disliked", comment: "no" };
    await b.send("PUT", url, { spans: [disliked], submitted: true });

    const res = await admin.get(`/api/admin/projects/${pid}/quality`);
    const report = (await res.json()) as {
      progress: { annotator: string; done: number; items: number }[];
      pairs: { a: string; b: string; span_f1: number; label_agreement: number }[];
    };
    const progress = Object.fromEntries(report.progress.map((p) => [p.annotator, p]));
    expect(progress.ann).toMatchObject({ done: 1, items: 2 });
    expect(progress.bob).toMatchObject({ done: 1, items: 2 });
    // ann covers 0-3, bob 2-5: overlap 2 of 4+4 code points, labels differ on both
    expect(report.pairs.find((p) => p.a === "ann" && p.b === "bob")).toEqual({
      a: "ann",
      b: "bob",
      shared_items: 1,
      span_f1: 0.5,
      label_agreement: 0,
    });
  });
});
