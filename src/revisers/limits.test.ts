import { describe, expect, it } from "vitest";
import { RateLimiter, requestSignal, Semaphore, sharedRateLimiter } from "./limits.js";

describe("Semaphore", () => {
  it("never runs more tasks at once than its size, and runs them all", async () => {
    const semaphore = new Semaphore(3);
    let running = 0;
    let most = 0;
    const done = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        semaphore.run(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, i % 3));
          running--;
          return i;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(done).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("frees the slot of a task that throws", async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await semaphore.run(async () => "next")).toBe("next");
  });
});

describe("RateLimiter", () => {
  it("lets a burst through, then spaces starts 1/rate apart", async () => {
    // a fake clock that moves only when the limiter sleeps
    let now = 0;
    const waits: number[] = [];
    const time = {
      now: () => now,
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
    };
    const limiter = new RateLimiter(10, 2, time);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, () => limiter.acquire().then(() => starts.push(now))),
    );
    expect(starts.slice(0, 2)).toEqual([0, 0]);
    for (let i = 2; i < 6; i++) expect(starts[i] - starts[i - 1]).toBeCloseTo(100, 6);
    expect(waits.reduce((a, b) => a + b, 0)).toBeCloseTo(400, 6);
  });

  it("is shared by every client of one server", () => {
    expect(sharedRateLimiter("http://a/v1", 5)).toBe(sharedRateLimiter("http://a/v1", 5));
    expect(sharedRateLimiter("http://a/v1", 5)).not.toBe(sharedRateLimiter("http://b/v1", 5));
  });

  it("refuses a rate that is not positive", () => {
    expect(() => new RateLimiter(0)).toThrow("RateLimiter: rate must be > 0 requests/s, got 0");
  });
});

describe("requestSignal", () => {
  it("aborts the requests in flight when the run aborts, but not those already done", () => {
    const run = new AbortController();
    const done = requestSignal(run.signal);
    done.release();
    const live = requestSignal(run.signal);
    run.abort(new Error("stop"));
    expect(live.signal?.aborted).toBe(true);
    expect(live.signal?.reason).toEqual(new Error("stop"));
    expect(done.signal?.aborted).toBe(false);
    expect(requestSignal(run.signal).signal?.aborted).toBe(true);
  });
});
