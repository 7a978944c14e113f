// Retries with exponential backoff for calls to a model server: 429 (honouring Retry-After),
// 5xx, timeouts and dropped connections are retried; other failures are returned at once.
import type { Logger } from "../common/logger.js";
import { sleep } from "./limits.js";

/** A failed call to a model server, with what is needed to decide whether to retry it. */
export class ServerCallError extends Error {
  override name = "ServerCallError";

  constructor(
    message: string,
    /** HTTP status, or undefined for a network failure or timeout */
    readonly status: number | undefined,
    /** whether trying again may succeed */
    readonly retryable: boolean,
    /** the wait the server asked for (Retry-After), in milliseconds */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Whether an HTTP status is worth retrying: rate limited, timed out, or a server fault. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The wait a response asks for, in ms: `retry-after-ms`, or `retry-after` as seconds or as an
 * HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: {
  get(name: string): string | null | undefined;
}): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** How failed calls are retried. */
export interface RetryOptions {
  /** retries after the first attempt */
  maxRetries?: number;
  /** first backoff in ms; doubles on every retry */
  baseDelayMs?: number;
  /** upper bound of one backoff and of an honoured Retry-After, in ms */
  maxDelayMs?: number;
  logger?: Logger;
  signal?: AbortSignal;
  /** what is being called, for log lines */
  label?: string;
  /** how to wait; tests pass a recorder instead of a real timer */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Calls `attempt` until it succeeds, fails with a non-retryable error, or runs out of retries.
 * The wait before retry k is Retry-After when the server gave one, else a jittered
 * baseDelay·2^k, both capped at maxDelay.
 */
export async function withRetries<T>(
  attempt: (index: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxRetries = options.maxRetries ?? 5;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 60_000;
  for (let k = 0; ; k++) {
    try {
      return await attempt(k);
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const retryable = err instanceof ServerCallError && err.retryable;
      if (!retryable || k >= maxRetries) throw err;

      // the server's own wait wins over our backoff
      const backoff = base * 2 ** k * (0.5 + Math.random() / 2);
      const wait = Math.min(cap, err.retryAfterMs ?? backoff);
      options.logger?.debug(
        `${options.label ?? "call"}: ${err.message}; retry ${k + 1}/${maxRetries} in ${Math.round(wait)} ms`,
      );
      await (options.sleep ?? sleep)(wait, options.signal);
    }
  }
}
