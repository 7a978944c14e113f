// The login rate limiter: counts per key, blocks past the limit, opens after the window.
import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limit.js";

describe("createRateLimiter", () => {
  it("blocks a key past its limit until the window ends", () => {
    let t = 1000;
    const limiter = createRateLimiter({ limit: 2, windowMs: 100, now: () => t });
    limiter.hit("a");
    expect(limiter.blockedFor("a")).toBe(0);
    limiter.hit("a");
    expect(limiter.blockedFor("a")).toBe(100);
    expect(limiter.blockedFor("b")).toBe(0);
    t += 60;
    expect(limiter.blockedFor("a")).toBe(40);
    t += 40;
    expect(limiter.blockedFor("a")).toBe(0);
  });

  it("forgets a key on reset", () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000 });
    limiter.hit("a");
    expect(limiter.blockedFor("a")).toBeGreaterThan(0);
    limiter.reset("a");
    expect(limiter.blockedFor("a")).toBe(0);
  });
});
