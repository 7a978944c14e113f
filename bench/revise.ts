// Benchmark of the LLM chain runner: 1,000 span rewrites against a local OpenAI-compatible
// server that answers each request after a fixed 20 ms, Redline's runner (journal on, chains
// built and written) against a bare `openai` client sending the same requests at the same
// concurrency. Target: Redline at least 0.9x the bare client's spans per second.
// Run: npm run bench:revise [-- --concurrency 16 --spans 1000 --delay 20 --rounds 3]
// (--without-journal measures the runner with its journal off)
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import type { ReviseRequest } from "../src/chains/types.js";
import { createLlmReviser } from "../src/revisers/llm.js";
import { createOpenAIClient, OpenAICompleter } from "../src/revisers/openai.js";
import { buildReviseMessages, loadTemplates, replacementSchema } from "../src/revisers/prompt.js";
import { runChains } from "../src/revisers/run-chains.js";
import { makeRecords } from "../src/revisers/testing/records.js";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "16" },
    spans: { type: "string", default: "1000" },
    delay: { type: "string", default: "20" },
    rounds: { type: "string", default: "3" },
    "without-journal": { type: "boolean", default: false },
  },
});
const concurrency = Number(values.concurrency);
const spansEach = 4;
const records = makeRecords(Math.ceil(Number(values.spans) / spansEach), spansEach);
const totalSpans = records.length * spansEach;

// the server, in its own process
const server = spawn(
  process.execPath,
  [
    "--import",
    "tsx",
    join(import.meta.dirname, "../src/revisers/testing/serve-fake.ts"),
    String(values.delay),
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const url = await firstLine(server);

// the same first-draft requests the runner sends, for the bare client
const templates = loadTemplates();
const requests = records.flatMap((r) =>
  r.spans
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.label === "disliked")
    .map(
      ({ s, i }): ReviseRequest => ({
        record_id: r.id,
        prompt: r.prompt,
        draft: r.response,
        span_index: i,
        span: { start: s.start, end: s.end, text: [...r.response].slice(s.start, s.end).join("") },
        liked: [],
        ahead: [],
      }),
    ),
);

async function bare(): Promise<number> {
  const client = createOpenAIClient({ baseURL: url });
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      const response = await client.chat.completions.create({
        model: "fake-model",
        messages: buildReviseMessages(templates, request),
        temperature: 0,
        response_format: {
          type: "json_schema",
          json_schema: { name: "replacement", schema: replacementSchema.schema, strict: true },
        },
      });
      JSON.parse(response.choices[0].message.content ?? "");
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return requests.length / ((performance.now() - started) / 1000);
}

async function redline(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "redline-bench-"));
  try {
    const completer = new OpenAICompleter({ baseURL: url, model: "fake-model", concurrency });
    const reviser = createLlmReviser({ completer, templates });
    const started = performance.now();
    const report = await runChains({
      records,
      reviser,
      reviserId: reviser.fingerprint,
      out: join(dir, "chains.jsonl"),
      journal: values["without-journal"] ? undefined : join(dir, "journal.jsonl"),
      concurrency,
    });
    const seconds = (performance.now() - started) / 1000;
    const asked = values["without-journal"] ? reviser.usage.requests : report.fresh;
    if (asked !== totalSpans || report.complete !== records.length) {
      throw new Error(`bench: expected ${totalSpans} rewrites, got ${JSON.stringify(report)}`);
    }
    return totalSpans / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  // warm both paths first
  await bare();
  await redline();
  const rows: Array<{ bare: number; redline: number }> = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    // alternate which side goes first, so load drift hits both alike
    if (round % 2 === 0) rows.push({ bare: await bare(), redline: await redline() });
    else {
      const r = await redline();
      rows.push({ bare: await bare(), redline: r });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const b = median(rows.map((row) => row.bare));
  const r = median(rows.map((row) => row.redline));
  const ratio = median(rows.map((row) => row.redline / row.bare));
  console.log(
    `revise bench: ${totalSpans} spans, ${values.delay} ms server, concurrency ${concurrency}, ` +
      `journal ${values["without-journal"] ? "off" : "on"}, ` +
      `ideal ${((concurrency * 1000) / Number(values.delay)).toFixed(0)} spans/s`,
  );
  for (const [i, row] of rows.entries()) {
    console.log(
      `  round ${i + 1} | bare client ${row.bare.toFixed(0)} spans/s | redline ` +
        `${row.redline.toFixed(0)} spans/s | ratio ${(row.redline / row.bare).toFixed(2)}x`,
    );
  }
  console.log(
    `median | bare client ${b.toFixed(0)} spans/s | redline ${r.toFixed(0)} spans/s | ` +
      `ratio ${ratio.toFixed(2)}x (target >= 0.90x) ${ratio >= 0.9 ? "PASS" : "BELOW TARGET"}`,
  );
} finally {
  server.kill("SIGTERM");
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve(line.trim()));
    child.once("exit", (code) => reject(new Error(`bench: server exited with ${code}`)));
  });
}
