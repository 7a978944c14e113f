// The chat-completion call every LLM backend implements, the request key that the response cache
// and the journal use, and a meter of requests and tokens for progress lines.
import { createHash } from "node:crypto";

/** One chat message sent to a model. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A JSON Schema the answer must follow, for servers with structured output. */
export interface OutputSchema {
  name: string;
  schema: Record<string, unknown>;
}

/** One chat-completion request, independent of the backend. */
export interface CompletionRequest {
  messages: ChatMessage[];
  /** ask for JSON following this schema where the server supports it */
  schema?: OutputSchema;
  temperature?: number;
  maxTokens?: number;
  seed?: number;
}

/** Tokens a request consumed, as the server reported them (0 when it did not). */
export interface TokenUsage {
  input: number;
  output: number;
}

/** A model's answer to one request. */
export interface Completion {
  text: string;
  usage: TokenUsage;
  /** whether the structured-output schema was applied by the server */
  structured: boolean;
  /** true when the answer came from the response cache */
  cached?: boolean;
}

/** A backend that answers chat-completion requests (OpenAI-compatible, Ollama, a batch). */
export interface Completer {
  /** backend kind, e.g. `openai` or `ollama` */
  readonly kind: string;
  /** the server's base URL */
  readonly server: string;
  readonly model: string;
  complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion>;
}

/** JSON with object keys sorted, so equal values always serialize to equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return v;
  });
}

/** SHA-256 hex digest of the canonical JSON of `value`. */
export function hashOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/**
 * The key of a request to a given backend: the same server, model and request body always map
 * to the same key, whatever the order of fields.
 */
export function completionKey(completer: Completer, request: CompletionRequest): string {
  return hashOf({
    kind: completer.kind,
    server: completer.server,
    model: completer.model,
    request,
  });
}

/** Running totals of requests and tokens, read by progress lines. */
export class UsageMeter {
  requests = 0;
  cached = 0;
  inputTokens = 0;
  outputTokens = 0;

  /** Counts one answered request. */
  add(completion: Completion): void {
    if (completion.cached) {
      this.cached++;
      return;
    }
    this.requests++;
    this.inputTokens += completion.usage.input;
    this.outputTokens += completion.usage.output;
  }

  /** A short note such as `312 req (40 cached) | tokens 51.2k in, 8.1k out`. */
  describe(): string {
    const cached = this.cached > 0 ? ` (+${this.cached} cached)` : "";
    return (
      `${this.requests} req${cached} | tokens ${formatCount(this.inputTokens)} in, ` +
      `${formatCount(this.outputTokens)} out`
    );
  }
}

function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}
