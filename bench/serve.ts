// Load benchmark of the annotation server: many clients saving annotations at once.
// Run with `npm run bench:serve` (SQLite in a temp folder) or
// `npm run bench:serve -- --db postgres://...` (a scratch schema is made and dropped).
// The server runs in a child process so the load generator does not share its event loop.
// Two phases, each with --connections clients (default 100):
//   insert: every save creates the annotation of a different item;
//   update: saves hit a few items over and over, so each one bumps a revision counter.
// Afterwards the store is read back: every acknowledged save must be there (insert: one row
// per acknowledged item; update: revisions == acknowledged saves). A baseline row first sends
// the same requests to a bare Hono endpoint in the same child, to show what the HTTP stack and
// the load generator cost on their own. The server opens its store as `redline serve` does
// (WAL checkpoints in a worker; --no-background-checkpoints turns that off). --profile DIR
// writes a CPU profile of the server there. Figures also go to reports/bench-serve/latest.json.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import autocannon from "autocannon";
import { Hono } from "hono";
import { sql } from "kysely";
import { silentLogger } from "../src/common/logger.js";
import { hashPassword } from "../src/server/passwords.js";
import { startServer } from "../src/server/serve.js";
import { createTestClient } from "../src/server/testing.js";
import {
  assignUser,
  createProject,
  createUser,
  importRecords,
  isPostgresUrl,
  openStore,
  type Store,
} from "../src/store/index.js";

const { values: args } = parseArgs({
  options: {
    db: { type: "string" },
    schema: { type: "string" },
    connections: { type: "string", default: "100" },
    saves: { type: "string", default: "20000" },
    "update-items": { type: "string", default: "200" },
    child: { type: "boolean", default: false },
    profile: { type: "string" },
    "no-background-checkpoints": { type: "boolean", default: false },
  },
});

// child mode: only serve, print the URLs, stop on SIGTERM
if (args.child) {
  const store = await openStore({
    db: args.db!,
    pgSchema: args.schema,
    migrate: false,
    poolSize: 20,
    backgroundCheckpoints: !args["no-background-checkpoints"],
  });
  const server = await startServer({
    store,
    logger: silentLogger,
    port: 0,
    webRoot: "/nonexistent",
  });

  // the baseline: the same HTTP stack answering without any work
  const bare = new Hono().put("*", (c) => c.json({ ok: true }));
  const baseline = await new Promise<string>((resolve) => {
    serve({ fetch: bare.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve(`http://127.0.0.1:${info.port}`),
    );
  });

  // the longest event-loop stall since the last report tells where the tail comes from
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  process.stdout.write(`${JSON.stringify({ url: server.url, baseline })}\n`);
  process.on("message", function sendUsage() {
    const usage: ServerUsage = { cpu: process.cpuUsage(), maxStallMs: lag.max / 1e6 };
    lag.reset();
    process.send?.(usage);
  });
  process.once("SIGTERM", async () => {
    await server.close();
    await store.close();
    process.exit(0);
  });
} else {
  await main();
}

interface PhaseResult {
  phase: string;
  requests: number;
  acknowledged: number;
  errors: number;
  non2xx: number;
  timeouts: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  req_per_s: number;
  /** server CPU time per request: what one free core could sustain is 1e6 / this */
  server_cpu_us: number;
  /** longest the server's event loop was blocked during the phase */
  server_stall_ms: number;
  stored: number | string;
  lost: number | string;
}

/** The server's side of one phase: CPU microseconds spent and its longest stall. */
interface PhaseUsage {
  cpuUs: number;
  stallMs: number;
}

/** What the child reports: CPU used so far, and its longest event-loop stall since last asked. */
interface ServerUsage {
  cpu: NodeJS.CpuUsage;
  maxStallMs: number;
}

async function main(): Promise<void> {
  const connections = Number(args.connections);
  const saves = Number(args.saves);
  const updateItems = Number(args["update-items"]);
  const scratch = mkdtempSync(join(tmpdir(), "redline-bench-"));
  const db = args.db ?? join(scratch, "bench.db");
  const schema = isPostgresUrl(db) ? `bench_${randomBytes(4).toString("hex")}` : undefined;
  const store = await openStore({ db, pgSchema: schema });
  process.stderr.write(`bench:serve: ${store.kind} at ${store.location}, ${connections} clients\n`);

  // a project with one item per insert save plus the items the update phase shares
  const hash = await hashPassword("bench-password");
  const user = await createUser(store, {
    username: "bench",
    role: "annotator",
    passwordHash: hash,
  });
  const project = await createProject(store, { name: "bench" });
  await assignUser(store, project.id, user.id);
  const response =
    "👋 A response of moderate length, with an emoji, to annotate under load. ".repeat(8);
  const records = Array.from({ length: saves + updateItems }, (_, i) => ({
    id: `item-${i}`,
    prompt: `prompt ${i}`,
    response,
  }));
  await importRecords(store, project.id, records);
  const rows = await store.db
    .selectFrom("items")
    .select(["id", "ext_id"])
    .where("project_id", "=", project.id)
    .orderBy("position")
    .execute();
  const insertIds = rows.slice(0, saves).map((r) => r.id);
  const updateIds = rows.slice(saves).map((r) => r.id);

  // the server, in its own process
  const child = spawn(
    process.execPath,
    [
      ...(args.profile
        ? ["--cpu-prof", "--cpu-prof-interval=100", `--cpu-prof-dir=${args.profile}`]
        : []),
      "--import",
      "tsx",
      new URL(import.meta.url).pathname,
      "--child",
      ...(args["no-background-checkpoints"] ? ["--no-background-checkpoints"] : []),
      "--db",
      db,
      ...(schema ? ["--schema", schema] : []),
    ],
    { stdio: ["ignore", "pipe", "inherit", "ipc"] },
  );
  const { url, baseline } = await new Promise<{ url: string; baseline: string }>(
    (resolve, reject) => {
      child.stdout!.once("data", (d: Buffer) => resolve(JSON.parse(d.toString())));
      child.once("exit", (code) => reject(new Error(`bench:serve: server exited with ${code}`)));
    },
  );

  try {
    const client = createTestClient({ baseUrl: url });
    const login = await client.login("bench", "bench-password");
    if (!login.ok) throw new Error(`bench:serve: login failed with ${login.status}`);
    const headers = {
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      "x-csrf-token": client.csrf!,
      "content-type": "application/json",
    };

    // warm up the server's code paths
    await run(baseline, headers, connections, 500, updateIds, "warmup");
    await run(url, headers, connections, 500, updateIds, "warmup");
    await store.db.deleteFrom("annotations").execute();

    const results: PhaseResult[] = [];
    let before = await serverUsage(child);
    const bare = await run(baseline, headers, connections, saves, insertIds, "baseline");
    results.push(summarize(bare, "-", "-", await usageSince(child, before)));
    before = await serverUsage(child);
    const insert = await run(url, headers, connections, saves, insertIds, "insert");
    results.push(await checkInserts(store, insert, await usageSince(child, before)));
    before = await serverUsage(child);
    const update = await run(url, headers, connections, saves, updateIds, "update");
    results.push(await checkUpdates(store, update, updateIds, await usageSince(child, before)));
    report(store.kind, connections, results);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    if (schema) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
    await store.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** CPU time the server process has used so far, and its longest stall since last asked. */
function serverUsage(child: ChildProcess): Promise<ServerUsage> {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m as ServerUsage));
    child.send("usage");
  });
}

/** Server CPU microseconds since `before`, and the longest stall in that time. */
async function usageSince(child: ChildProcess, before: ServerUsage): Promise<PhaseUsage> {
  const after = await serverUsage(child);
  const cpuUs = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
  return { cpuUs, stallMs: after.maxStallMs };
}

interface Run {
  phase: string;
  result: autocannon.Result;
  /** acknowledged saves per item id */
  acked: Map<string, number>;
  /** the save number of the last acknowledged save per item id */
  lastSave: Map<string, number>;
}

/** The spans a request for the k-th save sends: they differ per save so a mix-up shows. */
function spansFor(k: number) {
  const start = k % 40;
  return [
    { start, end: start + 5, label: "disliked", comment: `save ${k}` },
    { start: 100, end: 120, label: "liked" },
  ];
}

function run(
  url: string,
  headers: Record<string, string>,
  connections: number,
  amount: number,
  itemIds: string[],
  phase: string,
): Promise<Run> {
  const acked = new Map<string, number>();
  const lastSave = new Map<string, number>();
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        amount,
        method: "PUT",
        headers,
        timeout: 10,
        requests: [
          {
            setupRequest(req, context) {
              const k = next++;
              const id = itemIds[k % itemIds.length];
              Object.assign(context, { id, k });
              return {
                ...req,
                path: `/api/items/${id}/annotation`,
                body: JSON.stringify({ spans: spansFor(k) }),
              };
            },
            onResponse(status, _body, context) {
              const { id, k } = context as { id: string; k: number };
              if (status !== 200) return;
              acked.set(id, (acked.get(id) ?? 0) + 1);
              lastSave.set(id, k);
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve({ phase, result, acked, lastSave })),
    );
  });
}

function summarize(
  r: Run,
  stored: number | string,
  lost: number | string,
  usage: PhaseUsage,
): PhaseResult {
  const total = [...r.acked.values()].reduce((a, b) => a + b, 0);
  return {
    phase: r.phase,
    requests: r.result.requests.total,
    acknowledged: total,
    errors: r.result.errors,
    non2xx: r.result.non2xx,
    timeouts: r.result.timeouts,
    p50_ms: r.result.latency.p50,
    p90_ms: r.result.latency.p90,
    p99_ms: r.result.latency.p99,
    max_ms: r.result.latency.max,
    req_per_s: Math.round(r.result.requests.average),
    server_cpu_us: Math.round(usage.cpuUs / Math.max(1, r.result.requests.total)),
    server_stall_ms: Math.round(usage.stallMs),
    stored,
    lost,
  };
}

async function checkInserts(store: Store, r: Run, usage: PhaseUsage): Promise<PhaseResult> {
  const rows = await store.db.selectFrom("annotations").select(["item_id", "spans"]).execute();
  const byItem = new Map(rows.map((row) => [row.item_id, row.spans]));
  let lost = 0;
  // each item got exactly one save here: the stored spans must be the ones it sent
  for (const [id, k] of r.lastSave) {
    if (byItem.get(id) !== JSON.stringify(spansFor(k))) lost++;
  }
  return summarize(r, rows.length, lost, usage);
}

async function checkUpdates(
  store: Store,
  r: Run,
  ids: string[],
  usage: PhaseUsage,
): Promise<PhaseResult> {
  const rows = await store.db
    .selectFrom("annotations")
    .select(["item_id", "revision"])
    .where("item_id", "in", ids)
    .execute();
  const revisions = new Map(rows.map((row) => [row.item_id, Number(row.revision)]));
  let lost = 0;
  let stored = 0;
  for (const [id, n] of r.acked) {
    const have = revisions.get(id) ?? 0;
    stored += Math.min(have, n);
    if (have < n) lost += n - have;
  }
  return summarize(r, stored, lost, usage);
}

function report(kind: string, connections: number, results: PhaseResult[]): void {
  const cols: (keyof PhaseResult)[] = [
    "phase",
    "requests",
    "acknowledged",
    "stored",
    "lost",
    "errors",
    "non2xx",
    "timeouts",
    "p50_ms",
    "p90_ms",
    "p99_ms",
    "max_ms",
    "req_per_s",
    "server_cpu_us",
    "server_stall_ms",
  ];
  const table = [cols.map(String), ...results.map((r) => cols.map((c) => String(r[c])))];
  const widths = cols.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((cell, i) => cell.padStart(widths[i])).join("  "));
  const saves = results.filter((r) => r.phase !== "baseline");
  const worstP99 = Math.max(...saves.map((r) => r.p99_ms));
  const lost = saves.reduce((a, r) => a + Number(r.lost), 0);
  const failed = saves.reduce((a, r) => a + r.errors + r.non2xx + r.timeouts, 0);
  const target = kind === "sqlite" ? ` (target < 50 ms: ${worstP99 < 50 ? "met" : "NOT met"})` : "";
  process.stdout.write(
    `\nannotation saves, ${kind}, ${connections} concurrent clients\n${lines.join("\n")}\n\n` +
      `p99 ${worstP99} ms${target}; lost writes ${lost}; failed requests ${failed}\n`,
  );
  mkdirSync("reports/bench-serve", { recursive: true });
  writeFileSync(
    "reports/bench-serve/latest.json",
    `${JSON.stringify({ store: kind, connections, results, at: new Date().toISOString() }, null, 2)}\n`,
  );
}
