// The Ollama backend through Ollama's own HTTP API (POST /api/chat, non-streaming). Structured
// output passes the JSON Schema as `format`, which Ollama enforces while decoding.
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import type { Completer, Completion, CompletionRequest } from "./completion.js";
import { type RateLimiter, requestSignal, Semaphore, sharedRateLimiter } from "./limits.js";
import type { RetryOptions } from "./retry.js";
import { isRetryableStatus, parseRetryAfter, ServerCallError, withRetries } from "./retry.js";

/** Options of an Ollama backend. */
export interface OllamaCompleterOptions {
  /** defaults to OLLAMA_HOST or http://127.0.0.1:11434 */
  baseURL?: string;
  model: string;
  concurrency?: number;
  rate?: number;
  timeoutMs?: number;
  /** `off` never sends a schema as `format` */
  structured?: "auto" | "on" | "off";
  /** how long Ollama keeps the model loaded after the last request, e.g. "10m" */
  keepAlive?: string;
  retry?: RetryOptions;
  logger?: Logger;
}

interface OllamaChatResponse {
  message?: { content?: string };
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

/** A Completer for an Ollama server. */
export class OllamaCompleter implements Completer {
  readonly kind = "ollama";
  readonly server: string;
  readonly model: string;
  private readonly semaphore: Semaphore;
  private readonly limiter?: RateLimiter;
  private readonly logger: Logger;
  private structured: "auto" | "on" | "off";

  constructor(private readonly options: OllamaCompleterOptions) {
    if (!options.model) {
      throw new Error(
        "OllamaCompleter: a model name is required; pass --model NAME (e.g. llama3.1)",
      );
    }
    const base = options.baseURL ?? process.env.OLLAMA_HOST ?? "http://127.0.0.1:11434";
    this.server = (base.startsWith("http") ? base : `http://${base}`).replace(/\/+$/, "");
    this.model = options.model;
    this.semaphore = new Semaphore(options.concurrency ?? 4);
    this.limiter = options.rate ? sharedRateLimiter(this.server, options.rate) : undefined;
    this.logger = options.logger ?? silentLogger;
    this.structured = options.structured ?? "auto";
  }

  complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    const where = `ollama ${this.server} ${this.model}`;
    return withRetries(
      () =>
        this.semaphore.run(async () => {
          await this.limiter?.acquire(signal);
          return this.once(request, where, signal);
        }),
      { logger: this.logger, label: where, signal, ...this.options.retry },
    );
  }

  private async once(
    request: CompletionRequest,
    where: string,
    signal?: AbortSignal,
  ): Promise<Completion> {
    const structured = request.schema !== undefined && this.structured !== "off";
    const options: Record<string, number> = {};
    if (request.temperature !== undefined) options.temperature = request.temperature;
    if (request.seed !== undefined) options.seed = request.seed;
    if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
    const body = {
      model: this.model,
      messages: request.messages,
      stream: false,
      ...(structured && { format: request.schema?.schema }),
      ...(Object.keys(options).length > 0 && { options }),
      ...(this.options.keepAlive && { keep_alive: this.options.keepAlive }),
    };

    // one attempt, bounded by the timeout and by the caller's signal
    const linked = requestSignal(signal);
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 300_000);
    const combined = linked.signal ? AbortSignal.any([linked.signal, timeout]) : timeout;
    let response: Response;
    let raw: string;
    try {
      response = await fetch(`${this.server}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: combined,
      });
      raw = await response.text();
    } catch (err) {
      if (signal?.aborted) throw err;
      if (timeout.aborted)
        throw new ServerCallError(`${where}: request timed out`, undefined, true);
      throw new ServerCallError(
        `${where}: connection failed: ${(err as Error).message}`,
        undefined,
        true,
      );
    } finally {
      linked.release();
    }

    let parsed: OllamaChatResponse | undefined;
    try {
      parsed = JSON.parse(raw) as OllamaChatResponse;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const detail = parsed?.error ?? raw.slice(0, 200);
      // an Ollama too old for JSON-schema formats: remember it and ask in plain text
      if (
        structured &&
        this.structured === "auto" &&
        response.status === 400 &&
        /format/i.test(detail)
      ) {
        this.logger.warn(`${where}: structured output refused (${detail}); using plain text`);
        this.structured = "off";
        return this.once(request, where, signal);
      }
      const hint =
        response.status === 404 ? ` (is the model pulled? run: ollama pull ${this.model})` : "";
      throw new ServerCallError(
        `${where}: HTTP ${response.status}: ${detail}${hint}`,
        response.status,
        isRetryableStatus(response.status),
        parseRetryAfter(response.headers),
      );
    }
    const text = parsed?.message?.content;
    if (typeof text !== "string") {
      throw new ServerCallError(`${where}: malformed response: ${raw.slice(0, 200)}`, 200, true);
    }
    return {
      text,
      usage: { input: parsed?.prompt_eval_count ?? 0, output: parsed?.eval_count ?? 0 },
      structured,
    };
  }
}
