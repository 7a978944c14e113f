// A Reviser backed by a language model: renders the rewrite prompt, asks the backend, reads the
// replacement out of the answer and checks it, asking again (up to a bound) with the reason
// when the rewrite leaves its span, comes back empty, repeats the original or cannot be read.
import type { ReviseRequest, ReviseResult, Reviser } from "../chains/types.js";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import type { LocalityCheck } from "./check.js";
import { checkRewrite } from "./check.js";
import type { ChatMessage, Completer } from "./completion.js";
import { hashOf, UsageMeter } from "./completion.js";
import { parseReplacement } from "./parse.js";
import type { ReviseTemplates } from "./prompt.js";
import {
  buildRetryMessage,
  buildReviseMessages,
  loadTemplates,
  replacementSchema,
} from "./prompt.js";
import { ServerCallError } from "./retry.js";

/** Options of an LLM reviser. */
export interface LlmReviserOptions {
  completer: Completer;
  /** prompt templates; defaults to the shipped ones */
  templates?: ReviseTemplates;
  /** answers asked for one span before it is recorded as failed (first try included) */
  maxAttempts?: number;
  temperature?: number;
  maxTokens?: number;
  /** checks that a rewrite only changed its span; defaults to the chain builder's check */
  locality?: LocalityCheck;
  /** shared request and token counts */
  usage?: UsageMeter;
  logger?: Logger;
}

/** A Reviser that also reports what it asked for, so a journal can key its answers. */
export interface LlmReviser extends Reviser {
  readonly usage: UsageMeter;
  /** a digest of everything besides the request that decides the answer (model, templates) */
  readonly fingerprint: string;
}

/**
 * Creates a reviser named `openai:<model>` or `ollama:<model>` after its backend. Server
 * failures that survive the backend's retries (429, 5xx, timeouts) and setup errors (401, 403,
 * 404) are thrown, so the run stops and can be resumed; a request the server refuses as such
 * (400, 413, 422: too long, bad content) fails just this span.
 */
export function createLlmReviser(options: LlmReviserOptions): LlmReviser {
  const { completer } = options;
  const templates = options.templates ?? loadTemplates();
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`createLlmReviser: maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const usage = options.usage ?? new UsageMeter();
  const logger = options.logger ?? silentLogger;
  const name = `${completer.kind}:${completer.model}`;
  const fingerprint = hashOf({
    name,
    server: completer.server,
    templates,
    maxAttempts,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
  }).slice(0, 16);

  async function revise(request: ReviseRequest): Promise<ReviseResult> {
    const messages: ChatMessage[] = buildReviseMessages(templates, request);
    let reason = "no attempt made";
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let text: string;
      try {
        const completion = await completer.complete(
          {
            messages,
            schema: replacementSchema,
            temperature: options.temperature ?? 0,
            ...(options.maxTokens !== undefined && { maxTokens: options.maxTokens }),
          },
          request.signal,
        );
        usage.add(completion);
        text = completion.text;
      } catch (err) {
        // a request the server cannot take fails its span; a wrong key, model or URL
        // (401, 403, 404) would fail them all, so it stops the run instead
        if (err instanceof ServerCallError && !err.retryable && refusesRequest(err.status)) {
          return { ok: false, reason: `${name}: server refused the request: ${err.message}` };
        }
        throw err;
      }

      // read the answer, then check it; on failure tell the model why and ask again
      const parsed = parseReplacement(text);
      const verdict = parsed.ok
        ? checkRewrite(request, parsed.text, options.locality)
        : { ok: false as const, reason: parsed.reason };
      if (verdict.ok) return { ok: true, replacement: verdict.replacement };
      reason = verdict.reason;
      logger.debug(
        `${name}: record ${request.record_id} span ${request.span_index} attempt ${attempt}: ${reason}`,
      );
      messages.push({ role: "assistant", content: text }, buildRetryMessage(templates, reason));
    }
    return { ok: false, reason: `${name}: ${maxAttempts} attempts rejected; last: ${reason}` };
  }

  return { name, usage, fingerprint, revise };
}

function refusesRequest(status: number | undefined): boolean {
  return status === 400 || status === 413 || status === 422;
}
