// A fake Ollama server on 127.0.0.1 for tests: POST /api/chat (non-streaming) with the same fake
// model and faults as the fake OpenAI server, and GET /api/tags listing the one model it has.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeModelOptions } from "./fake-model.js";
import { answerTurn, pause, readTurn, roughTokens } from "./fake-model.js";

/** A running fake Ollama; `url` has no path. */
export interface FakeOllama {
  url: string;
  /** bodies of the /api/chat requests received */
  requests: unknown[];
  close(): Promise<void>;
}

/** Starts a fake Ollama serving `model` (other names get 404, as an unpulled model does). */
export async function startFakeOllama(
  options: FakeModelOptions & { model?: string } = {},
): Promise<FakeOllama> {
  const model = options.model ?? "fake-llama";
  const requests: unknown[] = [];
  let count = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(json));
      };
      if (req.method === "GET" && req.url === "/api/tags") {
        return send(200, { models: [{ name: model, model }] });
      }
      if (req.method !== "POST" || req.url !== "/api/chat") {
        return send(404, { error: "not found" });
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      requests.push(body);
      if (body.model !== model) return send(404, { error: `model "${body.model}" not found` });
      const structured = body.format !== undefined;
      if (structured && options.structured === false) {
        return send(400, { error: 'invalid format: expected "json" or a JSON schema' });
      }
      const turn = readTurn(body.messages, count++, structured, body.options?.seed);
      const fault = options.fault?.(turn);
      if (options.delayMs) await pause(options.delayMs);
      if (fault?.kind === "delay") await pause(fault.ms);
      if (fault?.kind === "status") {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        return send(fault.status, { error: fault.message ?? "fake fault" }, headers);
      }
      if (fault?.kind === "malformed") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end('{"message": {"content": "');
      }
      const content = fault?.kind === "reply" ? fault.content : answerTurn(options, turn);
      send(200, {
        model,
        created_at: new Date().toISOString(),
        message: { role: "assistant", content },
        done: true,
        prompt_eval_count: roughTokens(JSON.stringify(body.messages)),
        eval_count: roughTokens(content),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
