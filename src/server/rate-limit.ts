// A fixed-window counter per key, kept in memory: enough to slow password guessing on one
// server process.

/** Options of createRateLimiter. */
export interface RateLimiterOptions {
  /** events allowed per key in one window */
  limit: number;
  /** window length in milliseconds */
  windowMs: number;
  /** clock, for tests */
  now?: () => number;
}

/** Counts events per key and says when a key is over its limit. */
export interface RateLimiter {
  /** milliseconds until `key` may try again, or 0 when it may now */
  blockedFor(key: string): number;
  /** records one event for `key` */
  hit(key: string): void;
  /** forgets `key` (e.g. after a successful login) */
  reset(key: string): void;
}

/** Creates an in-memory fixed-window rate limiter. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();

  function current(key: string): { start: number; count: number } | undefined {
    const w = windows.get(key);
    if (w && now() - w.start >= options.windowMs) {
      windows.delete(key);
      return undefined;
    }
    return w;
  }

  function sweep(): void {
    if (windows.size < 10_000) return;
    for (const key of [...windows.keys()]) current(key);
  }

  return {
    blockedFor(key) {
      const w = current(key);
      if (!w || w.count < options.limit) return 0;
      return Math.max(0, w.start + options.windowMs - now());
    },
    hit(key) {
      sweep();
      const w = current(key);
      if (w) w.count++;
      else windows.set(key, { start: now(), count: 1 });
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
