import type { Clock } from "../util/clock.js";

/**
 * Lets the controller sleep until either something changed (a check transition, an ack)
 * or a timeout passed, whichever comes first.
 */
export class WakeSignal {
  private waiters = new Set<() => void>();
  private pending = false;

  wake(): void {
    this.pending = true;
    for (const resolve of [...this.waiters]) resolve();
  }

  /** Resolves true when woken, false on timeout. Rejects with the signal's reason when it aborts. */
  async wait(clock: Clock, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) throw signal.reason;
    if (this.pending) {
      this.pending = false;
      return true;
    }
    const local = new AbortController();
    let resolveWoken: () => void = () => {};
    const woken = new Promise<boolean>((resolve) => {
      resolveWoken = () => resolve(true);
    });
    this.waiters.add(resolveWoken);
    const onAbort = () => resolveWoken();
    signal.addEventListener("abort", onAbort, { once: true });
    const timedOut = clock.sleep(timeoutMs, local.signal).then(
      () => false,
      () => false,
    );
    let result: boolean;
    try {
      result = await Promise.race([woken, timedOut]);
      this.pending = false;
    } finally {
      this.waiters.delete(resolveWoken);
      signal.removeEventListener("abort", onAbort);
      local.abort();
    }
    if (signal.aborted) throw signal.reason;
    return result;
  }
}
