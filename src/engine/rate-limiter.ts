import type { Store } from "../store/types.js";

/**
 * At most `max` escalations per sliding window of `perMs`. Pure bookkeeping over start times;
 * the daemon seeds it from history so a restart does not reset the budget.
 */
export class RateLimiter {
  private starts: number[] = [];

  constructor(
    readonly max: number,
    readonly perMs: number,
  ) {}

  seed(startTimes: readonly number[]): void {
    this.starts = [...startTimes].sort((a, b) => a - b);
  }

  record(at: number): void {
    this.starts.push(at);
  }

  used(now: number): number {
    this.starts = this.starts.filter((t) => t > now - this.perMs);
    return this.starts.length;
  }

  /** When the next escalation may start: now, or when the oldest one in the window ages out. */
  nextAllowedAt(now: number): number {
    if (this.used(now) < this.max) return now;
    return (this.starts[this.starts.length - this.max] as number) + this.perMs;
  }
}

/** A limiter seeded from the escalations the store already holds, so a restart keeps the budget. */
export async function rateLimiterFromHistory(
  store: Pick<Store, "listEscalations">,
  environment: string,
  limit: { max: number; per: number },
  now: number,
): Promise<RateLimiter> {
  const limiter = new RateLimiter(limit.max, limit.per);
  const recent = await store.listEscalations(environment, { limit: limit.max });
  limiter.seed(recent.map((e) => e.startedAt).filter((t) => t > now - limit.per));
  return limiter;
}
