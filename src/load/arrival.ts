import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * When journeys start. Times are ms offsets from the test's start (t0, a performance.now() value).
 *
 * Open model: arrivals follow a constant rate R, ramped linearly from 0 over `rampMs`. The number
 * of arrivals by time t is the rate's integral, N(t) = R·t²/(2·ramp) during the ramp and
 * R·ramp/2 + R·(t − ramp) after it; arrival k (from 0) is due at N⁻¹(k). With W workers, worker w
 * takes arrivals k = w, w + W, w + 2W, ..., so together they follow the schedule exactly and each
 * runs at R/W, offset from the others.
 *
 * Closed model: N users, user i (of all workers' users) starting at i/N·ramp; worker w runs users
 * i = w, w + W, ... Each loops: run a journey, wait the think time, until the duration ends.
 */

/** Offset in ms of arrival `k` (from 0) for `ratePerSecond` with a linear ramp over `rampMs`. */
export function arrivalOffsetMs(k: number, ratePerSecond: number, rampMs: number): number {
  const perMs = ratePerSecond / 1000;
  const rampArrivals = (perMs * rampMs) / 2;
  if (k < rampArrivals) return Math.sqrt((2 * k * rampMs) / perMs);
  return rampMs + (k - rampArrivals) / perMs;
}

/** Arrivals due before `atMs` in total (all workers): N(t), rounded up to whole arrivals. */
export function arrivalsBefore(atMs: number, ratePerSecond: number, rampMs: number): number {
  const perMs = ratePerSecond / 1000;
  if (atMs <= 0) return 0;
  const n =
    atMs < rampMs ? (perMs * atMs * atMs) / (2 * rampMs) : (perMs * rampMs) / 2 + perMs * (atMs - rampMs);
  return Math.ceil(n - 1e-9);
}

/** Start offset in ms of closed-model user `i` of `users`. */
export function userStartMs(i: number, users: number, rampMs: number): number {
  return users > 0 ? (i / users) * rampMs : 0;
}

/** One worker's share of the open model's arrivals, in time order. */
export class OpenSchedule {
  #k: number;
  #next: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly rampMs: number,
    private readonly durationMs: number,
    worker = 0,
    private readonly workers = 1,
  ) {
    this.#k = worker;
    this.#next = this.#offset();
  }

  /** Offset of the next arrival, or Infinity when none is left before the duration ends. */
  peek(): number {
    return this.#next;
  }

  advance(): void {
    this.#k += this.workers;
    this.#next = this.#offset();
  }

  #offset(): number {
    const at = arrivalOffsetMs(this.#k, this.ratePerSecond, this.rampMs);
    return at < this.durationMs ? at : Number.POSITIVE_INFINITY;
  }
}

export interface OpenDriver {
  /** Journeys of this worker now in flight. */
  inFlight(): number;
  /** Starts a journey (without waiting for it) due at `intendedAt` (performance.now() ms). */
  start(intendedAt: number): void;
  /** Counts a journey that could not start on time. */
  drop(): void;
  /** Set to stop early. */
  stopped(): boolean;
}

export interface OpenOptions {
  /** performance.now() of the test's start. */
  t0: number;
  dropAfterMs: number;
  maxInFlight: number;
}

/**
 * How far ahead of its intended time an arrival may start. Timers fire up to about a millisecond
 * late, so each tick also starts the arrivals due within the next LOOKAHEAD_MS: they start a
 * little early rather than late, and runJourney measures an early start from its actual start (a
 * late one from its intended start), so neither skews the figures.
 */
export const LOOKAHEAD_MS = 1;

/**
 * Starts the schedule's journeys on time. One timer at a time: each tick starts every arrival due
 * by now + LOOKAHEAD_MS (a batch, at high rates), then sleeps until LOOKAHEAD_MS before the next
 * one, at least 1 ms. It never spins (on setImmediate), so at high rates a worker costs about a
 * thousand cheap ticks a second rather than a busy core. An arrival waits while `maxInFlight`
 * journeys run, and is dropped when it is more than `dropAfterMs` late (held back by the in-flight
 * cap or a busy event loop). When `stopped()` turns true, arrivals already due that have not
 * started (waiting on the in-flight cap) are dropped too. Resolves when the schedule is done or
 * stopped.
 */
export function driveOpen(schedule: OpenSchedule, driver: OpenDriver, options: OpenOptions): Promise<void> {
  const { t0, dropAfterMs, maxInFlight } = options;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now() - t0;
      let next = schedule.peek();
      let blocked = false;
      while (next <= now + LOOKAHEAD_MS && !driver.stopped()) {
        if (now - next > dropAfterMs) driver.drop();
        else if (driver.inFlight() >= maxInFlight) {
          blocked = true;
          break;
        } else driver.start(t0 + next);
        schedule.advance();
        next = schedule.peek();
      }
      if (driver.stopped()) {
        const at = performance.now() - t0;
        while (schedule.peek() <= at) {
          driver.drop();
          schedule.advance();
        }
        resolve();
        return;
      }
      if (next === Number.POSITIVE_INFINITY) {
        resolve();
        return;
      }
      const wait = blocked ? 1 : next - LOOKAHEAD_MS - (performance.now() - t0);
      setTimeout(tick, Math.max(1, Math.floor(wait)));
    };
    tick();
  });
}

export interface ClosedOptions {
  t0: number;
  users: number;
  rampMs: number;
  durationMs: number;
  thinkTimeMs: number;
  worker: number;
  workers: number;
}

/**
 * Runs this worker's closed-model users until the duration ends. `run` runs one journey. Resolves
 * when every user has finished its last journey; `onActive` is told how many users are running.
 */
export async function driveClosed(
  options: ClosedOptions,
  run: () => Promise<void>,
  stopped: () => boolean,
  onActive: (delta: number) => void,
): Promise<void> {
  const { t0, users, rampMs, durationMs, thinkTimeMs } = options;
  const end = t0 + durationMs;
  const user = async (i: number) => {
    const startAt = t0 + userStartMs(i, users, rampMs);
    const wait = startAt - performance.now();
    if (wait > 0) await sleep(wait);
    if (performance.now() >= end || stopped()) return;
    onActive(1);
    try {
      while (performance.now() < end && !stopped()) {
        await run();
        if (thinkTimeMs > 0) {
          const pause = Math.min(thinkTimeMs, end - performance.now());
          if (pause > 0) await sleep(pause);
        }
      }
    } finally {
      onActive(-1);
    }
  };
  const mine: Promise<void>[] = [];
  for (let i = options.worker; i < users; i += options.workers) mine.push(user(i));
  await Promise.all(mine);
}
