// Concurrency and rate limits for calls to a model server: a semaphore bounds how many
// requests are in flight, and a token bucket shared per server bounds how many start per second.

/** Bounds the number of tasks running at once; waiters are served first come, first served. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(`Semaphore: size must be a positive integer, got ${size}`);
    }
  }

  /** Runs `task` once a slot is free and releases the slot when it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // hand the slot straight to the next waiter so the count never dips and refills
      if (next) next();
      else this.active--;
    }
  }
}

/** Clock and timer of a rate limiter; tests pass fake ones. */
export interface RateLimiterTime {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A token bucket: at most `rate` starts per second on average, bursts up to `burst`. */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private chain: Promise<void> = Promise.resolve();
  private readonly time: RateLimiterTime;

  constructor(
    readonly rate: number,
    readonly burst = Math.max(1, Math.ceil(rate)),
    time?: RateLimiterTime,
  ) {
    if (!(rate > 0)) throw new Error(`RateLimiter: rate must be > 0 requests/s, got ${rate}`);
    this.time = time ?? { now: () => performance.now(), sleep };
    this.tokens = burst;
    this.last = this.time.now();
  }

  /** Resolves when the caller may start one request. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.chain.then(() => this.take(signal));
    // a failed wait (abort) must not block the callers queued after it
    this.chain = turn.catch(() => {});
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.time.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.time.sleep(((1 - this.tokens) / this.rate) * 1000, signal);
    }
  }
}

const limiters = new Map<string, RateLimiter>();

/**
 * The rate limiter shared by every client of one server (keyed by base URL), so two revisers
 * pointed at the same server share its budget.
 */
export function sharedRateLimiter(server: string, rate: number): RateLimiter {
  const key = `${server}|${rate}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new RateLimiter(rate);
    limiters.set(key, limiter);
  }
  return limiter;
}

/** Waits `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const inFlight = new WeakMap<AbortSignal, Set<AbortController>>();

/**
 * A signal for one request that aborts with `parent`; call `release` when the request ends.
 * A long-lived run signal gets one listener in all, which aborts every request then in flight:
 * one listener per request would pile up on it, and adding listeners is not free.
 */
export function requestSignal(parent?: AbortSignal): { signal?: AbortSignal; release(): void } {
  if (!parent) return { signal: undefined, release() {} };
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, release() {} };
  }
  let live = inFlight.get(parent);
  if (!live) {
    const set = new Set<AbortController>();
    live = set;
    inFlight.set(parent, set);
    parent.addEventListener(
      "abort",
      () => {
        for (const c of set) c.abort(parent.reason);
        set.clear();
      },
      { once: true },
    );
  }
  const set = live;
  set.add(controller);
  return { signal: controller.signal, release: () => set.delete(controller) };
}
