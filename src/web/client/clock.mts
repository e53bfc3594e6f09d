/**
 * The daemon's clock as the page sees it. Ages and countdowns compare the daemon's timestamps with
 * "now", so "now" must be the daemon's: the browser's clock may be minutes off. Every /status answer
 * carries the daemon's `now`; the offset is taken against the middle of the request.
 */
let offsetMs = 0;

/** Records the daemon's clock from an answer sent between `sentAt` and `receivedAt` (browser clock). */
export function syncClock(daemonNow: unknown, sentAt: number, receivedAt: number): void {
  if (typeof daemonNow !== "number" || !Number.isFinite(daemonNow)) return;
  offsetMs = daemonNow - (sentAt + receivedAt) / 2;
}

/** Now, on the daemon's clock (ms since the epoch). */
export function daemonNow(): number {
  return Date.now() + offsetMs;
}
