import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.js";

describe("RateLimiter", () => {
  it("allows max escalations per window, then says when the next one may start", () => {
    const limiter = new RateLimiter(2, 60_000);
    expect(limiter.nextAllowedAt(0)).toBe(0);
    limiter.record(0);
    limiter.record(10_000);
    expect(limiter.used(20_000)).toBe(2);
    expect(limiter.nextAllowedAt(20_000)).toBe(60_000);
    expect(limiter.nextAllowedAt(60_000)).toBe(60_000);
    expect(limiter.used(60_001)).toBe(1);
  });

  it("is seeded from history so a restart keeps the budget", () => {
    const limiter = new RateLimiter(1, 3_600_000);
    limiter.seed([1_000]);
    expect(limiter.nextAllowedAt(2_000)).toBe(3_601_000);
  });
});
