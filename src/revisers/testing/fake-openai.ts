// A fake OpenAI-compatible server on 127.0.0.1 for tests and benchmarks: chat completions with
// injectable faults, files, the Batch API and DPO fine-tuning jobs, all kept in memory.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeModelOptions } from "./fake-model.js";
import { answerTurn, pause, readTurn, roughTokens } from "./fake-model.js";

/** Options of the fake server: the fake model's behaviour plus the pace of slow jobs. */
export interface FakeOpenAIOptions extends FakeModelOptions {
  /** polls a batch stays in progress before it completes */
  batchPolls?: number;
  /** polls a fine-tuning job takes to finish */
  jobPolls?: number;
}

/** One request the fake received. */
export interface FakeRequestLog {
  method: string;
  path: string;
  body: unknown;
}

interface FakeFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
}

interface FakeBatch {
  id: string;
  status: string;
  input_file_id: string;
  output_file_id?: string;
  polls: number;
  request_counts: { total: number; completed: number; failed: number };
}

interface FakeJob {
  id: string;
  status: string;
  model: string;
  training_file: string;
  method: unknown;
  polls: number;
  events: Array<{ id: string; created_at: number; level: string; message: string }>;
  fine_tuned_model: string | null;
  error?: { message: string };
}

/** A running fake server; `url` ends in /v1. */
export interface FakeOpenAI {
  url: string;
  requests: FakeRequestLog[];
  /** chat-completion requests answered so far (faults included) */
  chatCount(): number;
  files: Map<string, FakeFile>;
  close(): Promise<void>;
}

/** Starts a fake OpenAI-compatible server on a free port of 127.0.0.1. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: FakeRequestLog[] = [];
  const files = new Map<string, FakeFile>();
  const batches = new Map<string, FakeBatch>();
  const jobs = new Map<string, FakeJob>();
  let chats = 0;
  let ids = 0;
  const nextId = (prefix: string) => `${prefix}-${++ids}`;

  const chat = async (
    body: ChatBody,
    index: number,
  ): Promise<{ status: number; json: unknown }> => {
    const structured = body.response_format?.type === "json_schema";
    const turn = readTurn(body.messages, index, structured, body.seed);
    if (structured && options.structured === false) {
      return {
        status: 400,
        json: { error: { message: "response_format json_schema is not supported" } },
      };
    }
    const content = answerTurn(options, turn);
    return {
      status: 200,
      json: {
        id: nextId("chatcmpl"),
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: {
          prompt_tokens: roughTokens(body.messages.map((m) => m.content).join("")),
          completion_tokens: roughTokens(content),
          total_tokens: 0,
        },
      },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/^\/v1/, "");
    const isJson = (req.headers["content-type"] ?? "").includes("application/json");
    const body = isJson && raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined;
    requests.push({ method: req.method ?? "GET", path, body });

    // chat completions, with faults
    if (req.method === "POST" && path === "/chat/completions") {
      const index = chats++;
      const turn = readTurn(body.messages, index, false, body.seed);
      const fault = options.fault?.(turn);
      if (options.delayMs) await pause(options.delayMs);
      if (fault?.kind === "delay") await pause(fault.ms);
      if (fault?.kind === "status") {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        const message = fault.message ?? `fake fault ${fault.status}`;
        return send(res, fault.status, { error: { message } }, headers);
      }
      if (fault?.kind === "malformed") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end('{"id": "chatcmpl-broken", "choices": [{"message": {"content": "');
      }
      if (fault?.kind === "reply") {
        const reply = await chat({ ...body, response_format: undefined }, index);
        const json = reply.json as { choices: Array<{ message: { content: string } }> };
        json.choices[0].message.content = fault.content;
        return send(res, 200, json);
      }
      const reply = await chat(body, index);
      return send(res, reply.status, reply.json);
    }

    // files
    if (req.method === "POST" && path === "/files") {
      const form = await new Response(new Uint8Array(raw), {
        headers: { "content-type": req.headers["content-type"] ?? "" },
      }).formData();
      const file = form.get("file") as File;
      const stored: FakeFile = {
        id: nextId("file"),
        filename: file.name,
        purpose: String(form.get("purpose")),
        content: await file.text(),
      };
      files.set(stored.id, stored);
      return send(res, 200, fileObject(stored));
    }
    const fileMatch = /^\/files\/([^/]+)(\/content)?$/.exec(path);
    if (req.method === "GET" && fileMatch) {
      const file = files.get(fileMatch[1]);
      if (!file) return send(res, 404, { error: { message: `no file ${fileMatch[1]}` } });
      if (fileMatch[2]) {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        return res.end(file.content);
      }
      return send(res, 200, fileObject(file));
    }

    // batches: each poll moves the batch on; it runs its requests when it completes
    if (req.method === "POST" && path === "/batches") {
      const input = files.get(body.input_file_id);
      if (!input) return send(res, 400, { error: { message: "unknown input_file_id" } });
      const lines = input.content.split("\n").filter((l) => l.trim());
      const batch: FakeBatch = {
        id: nextId("batch"),
        status: "validating",
        input_file_id: input.id,
        polls: 0,
        request_counts: { total: lines.length, completed: 0, failed: 0 },
      };
      batches.set(batch.id, batch);
      return send(res, 200, batchObject(batch));
    }
    const batchMatch = /^\/batches\/([^/]+)$/.exec(path);
    if (req.method === "GET" && batchMatch) {
      const batch = batches.get(batchMatch[1]);
      if (!batch) return send(res, 404, { error: { message: `no batch ${batchMatch[1]}` } });
      batch.polls++;
      if (batch.status === "validating") batch.status = "in_progress";
      else if (batch.status === "in_progress" && batch.polls > (options.batchPolls ?? 2)) {
        const input = files.get(batch.input_file_id)?.content ?? "";
        const out: string[] = [];
        for (const line of input.split("\n").filter((l) => l.trim())) {
          const item = JSON.parse(line);
          const reply = await chat(item.body, chats++);
          out.push(
            JSON.stringify({
              id: nextId("batch_req"),
              custom_id: item.custom_id,
              response: { status_code: reply.status, body: reply.json },
              error: null,
            }),
          );
        }
        const file: FakeFile = {
          id: nextId("file"),
          filename: "batch_output.jsonl",
          purpose: "batch_output",
          content: `${out.join("\n")}\n`,
        };
        files.set(file.id, file);
        batch.output_file_id = file.id;
        batch.status = "completed";
        batch.request_counts.completed = out.length;
      }
      return send(res, 200, batchObject(batch));
    }

    // fine-tuning jobs: queued, running, then succeeded or failed on a bad training file
    if (req.method === "POST" && path === "/fine_tuning/jobs") {
      const file = files.get(body.training_file);
      if (!file) return send(res, 400, { error: { message: "training_file not found" } });
      const job: FakeJob = {
        id: nextId("ftjob"),
        status: "queued",
        model: body.model,
        training_file: file.id,
        method: body.method,
        polls: 0,
        events: [],
        fine_tuned_model: null,
      };
      const problem = checkDpoFile(file.content);
      addEvent(job, "info", `Validating training file: ${file.id}`);
      if (problem) {
        job.status = "failed";
        job.error = { message: problem };
        addEvent(job, "error", problem);
      }
      jobs.set(job.id, job);
      return send(res, 200, jobObject(job));
    }
    const jobMatch = /^\/fine_tuning\/jobs\/([^/]+)(\/events)?$/.exec(path);
    if (req.method === "GET" && jobMatch) {
      const job = jobs.get(jobMatch[1]);
      if (!job) return send(res, 404, { error: { message: `no job ${jobMatch[1]}` } });
      if (jobMatch[2]) {
        const data = [...job.events].reverse();
        return send(res, 200, { object: "list", data, has_more: false });
      }
      job.polls++;
      if (job.status === "queued") {
        job.status = "running";
        addEvent(job, "info", "Fine-tuning job started");
      } else if (job.status === "running") {
        addEvent(job, "info", `Step ${job.polls}/${options.jobPolls ?? 3}: training loss=0.69`);
        if (job.polls >= (options.jobPolls ?? 3)) {
          job.status = "succeeded";
          job.fine_tuned_model = `ft:${job.model}:redline:${job.id}`;
          addEvent(job, "info", "The job has successfully completed");
        }
      }
      return send(res, 200, jobObject(job));
    }
    return send(res, 404, { error: { message: `fake server: no route ${req.method} ${path}` } });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks)).catch((err: Error) => {
        if (!res.headersSent) send(res, 500, { error: { message: `fake server: ${err.message}` } });
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    chatCount: () => chats,
    files,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string };
  seed?: number;
}

function send(
  res: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(json);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function fileObject(f: FakeFile) {
  return {
    id: f.id,
    object: "file",
    bytes: Buffer.byteLength(f.content),
    created_at: Math.floor(Date.now() / 1000),
    filename: f.filename,
    purpose: f.purpose,
  };
}

function batchObject(b: FakeBatch) {
  return {
    id: b.id,
    object: "batch",
    endpoint: "/v1/chat/completions",
    input_file_id: b.input_file_id,
    completion_window: "24h",
    status: b.status,
    output_file_id: b.output_file_id ?? null,
    error_file_id: null,
    created_at: Math.floor(Date.now() / 1000),
    request_counts: b.request_counts,
  };
}

function jobObject(j: FakeJob) {
  return {
    id: j.id,
    object: "fine_tuning.job",
    model: j.model,
    status: j.status,
    training_file: j.training_file,
    method: j.method,
    fine_tuned_model: j.fine_tuned_model,
    error: j.error ?? null,
    created_at: Math.floor(Date.now() / 1000),
  };
}

function addEvent(job: FakeJob, level: string, message: string): void {
  job.events.push({
    id: `${job.id}-event-${job.events.length + 1}`,
    created_at: Math.floor(Date.now() / 1000),
    level,
    message,
  });
}

/** Why a file is not OpenAI's DPO format, or undefined when every line is. */
function checkDpoFile(content: string): string | undefined {
  const lines = content.split("\n").filter((l) => l.trim());
  if (lines.length === 0) return "training file is empty";
  for (const [i, line] of lines.entries()) {
    const row = JSON.parse(line);
    const ok =
      Array.isArray(row.input?.messages) &&
      Array.isArray(row.preferred_output) &&
      Array.isArray(row.non_preferred_output);
    if (!ok)
      return `line ${i + 1}: expected input.messages, preferred_output, non_preferred_output`;
  }
  return undefined;
}
