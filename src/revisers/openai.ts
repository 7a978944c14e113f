// The OpenAI-compatible backend, through the `openai` package: OpenAI itself, vLLM, llama.cpp's
// server, LM Studio and other servers speaking /v1/chat/completions. Structured output uses
// `response_format: json_schema`; a server that rejects it is asked again in plain text.
import OpenAI from "openai";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import type { Completer, Completion, CompletionRequest } from "./completion.js";
import { type RateLimiter, requestSignal, Semaphore, sharedRateLimiter } from "./limits.js";
import type { RetryOptions } from "./retry.js";
import { isRetryableStatus, parseRetryAfter, ServerCallError, withRetries } from "./retry.js";

/** Options of an OpenAI-compatible backend. */
export interface OpenAICompleterOptions {
  /** e.g. http://127.0.0.1:8000/v1; defaults to OPENAI_BASE_URL or OpenAI's API */
  baseURL?: string;
  /** defaults to OPENAI_API_KEY; local servers accept any value */
  apiKey?: string;
  model: string;
  /** requests in flight at once to this server */
  concurrency?: number;
  /** requests per second to this server, shared by every client of the same base URL */
  rate?: number;
  /** one request's time limit in ms; a timed-out request is retried */
  timeoutMs?: number;
  /** `auto` tries json_schema and falls back to plain text if the server refuses it */
  structured?: "auto" | "on" | "off";
  retry?: RetryOptions;
  logger?: Logger;
}

/** Creates the `openai` client with the SDK's own retries off (Redline retries itself). */
export function createOpenAIClient(options: {
  baseURL?: string;
  apiKey?: string;
  timeoutMs?: number;
}): OpenAI {
  return new OpenAI({
    baseURL: options.baseURL ?? process.env.OPENAI_BASE_URL ?? "https://api.openai.com/v1",
    apiKey: options.apiKey ?? process.env.OPENAI_API_KEY ?? "not-needed",
    timeout: options.timeoutMs ?? 120_000,
    maxRetries: 0,
  });
}

/** Turns an error of the `openai` package into a ServerCallError that says whether to retry. */
export function toServerCallError(err: unknown, where: string): unknown {
  if (err instanceof OpenAI.APIUserAbortError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new ServerCallError(`${where}: request timed out`, undefined, true);
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new ServerCallError(`${where}: connection failed: ${err.message}`, undefined, true);
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const retryAfter = err.headers ? parseRetryAfter(err.headers) : undefined;
    return new ServerCallError(
      `${where}: HTTP ${status}: ${err.message}`,
      status,
      status === undefined || isRetryableStatus(status),
      retryAfter,
    );
  }
  if (err instanceof SyntaxError) {
    return new ServerCallError(`${where}: malformed JSON in response: ${err.message}`, 200, true);
  }
  return err;
}

/** A Completer for an OpenAI-compatible server. */
export class OpenAICompleter implements Completer {
  readonly kind = "openai";
  readonly server: string;
  readonly model: string;
  readonly client: OpenAI;
  private readonly semaphore: Semaphore;
  private readonly limiter?: RateLimiter;
  private structured: "auto" | "on" | "off";
  private readonly logger: Logger;

  constructor(private readonly options: OpenAICompleterOptions) {
    if (!options.model) {
      throw new Error("OpenAICompleter: a model name is required; pass --model NAME");
    }
    this.client = createOpenAIClient(options);
    this.server = this.client.baseURL;
    this.model = options.model;
    this.semaphore = new Semaphore(options.concurrency ?? 8);
    this.limiter = options.rate ? sharedRateLimiter(this.server, options.rate) : undefined;
    this.structured = options.structured ?? "auto";
    this.logger = options.logger ?? silentLogger;
  }

  complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    const where = `openai ${this.server} ${this.model}`;
    return withRetries(
      () =>
        this.semaphore.run(async () => {
          await this.limiter?.acquire(signal);
          try {
            return await this.once(request, signal);
          } catch (err) {
            throw toServerCallError(err, where);
          }
        }),
      { logger: this.logger, label: where, signal, ...this.options.retry },
    );
  }

  private async once(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    const useSchema = request.schema !== undefined && this.structured !== "off";
    const body = buildChatBody(this.model, request, useSchema);
    const linked = requestSignal(signal);
    try {
      const response = await this.client.chat.completions.create(body, { signal: linked.signal });
      return readCompletion(response, useSchema);
    } catch (err) {
      // a server without structured output: remember it and ask again in plain text
      if (
        useSchema &&
        this.structured === "auto" &&
        err instanceof OpenAI.APIError &&
        (err.status === 400 || err.status === 422) &&
        /response_format|json_schema|schema/i.test(err.message)
      ) {
        this.logger.warn(
          `openai ${this.server}: structured output refused (${err.message}); using plain text`,
        );
        this.structured = "off";
        return this.once(request, signal);
      }
      throw err;
    } finally {
      linked.release();
    }
  }
}

/** The /v1/chat/completions body for `request`, as both the online and the batch path send it. */
export function buildChatBody(
  model: string,
  request: CompletionRequest,
  useSchema: boolean,
): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
    model,
    messages: request.messages,
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
    ...(request.seed !== undefined && { seed: request.seed }),
  };
  if (useSchema && request.schema) {
    body.response_format = {
      type: "json_schema",
      json_schema: { name: request.schema.name, schema: request.schema.schema, strict: true },
    };
  }
  return body;
}

/** Reads the answer text and token counts out of a chat-completion response body. */
export function readCompletion(response: unknown, structured: boolean): Completion {
  const r = response as OpenAI.Chat.ChatCompletion | string | undefined;
  const text = typeof r === "object" && r ? r.choices?.[0]?.message?.content : undefined;
  if (typeof text !== "string") {
    const shown = JSON.stringify(response)?.slice(0, 200);
    throw new ServerCallError(
      `malformed completion, no choices[0].message.content: ${shown}`,
      200,
      true,
    );
  }
  const usage = typeof r === "object" ? r.usage : undefined;
  return {
    text,
    usage: { input: usage?.prompt_tokens ?? 0, output: usage?.completion_tokens ?? 0 },
    structured,
  };
}
