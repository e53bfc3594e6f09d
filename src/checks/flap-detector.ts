import type { CheckState } from "../config/schema.js";
import { EscalatorError } from "../util/errors.js";

export interface FlapDetectorOptions {
  /** Stops flapping when the percent state change falls below this. */
  low: number;
  /** Starts flapping when the percent state change rises above this. */
  high: number;
  /** Results kept; Nagios keeps 21 (20 possible changes). At least 3. */
  window?: number;
}

export interface FlapReading {
  flapping: boolean;
  /** True when this result started or stopped flapping. */
  changed: boolean;
  /** Weighted percent state change over the window, 0 to 100. */
  percent: number;
}

/** Weight of the oldest and of the newest change in the window; the ones between grow linearly. */
export const OLDEST_CHANGE_WEIGHT = 0.8;
export const NEWEST_CHANGE_WEIGHT = 1.2;

/**
 * Nagios-style flap detection for one check instance. Pure: no clock, no I/O.
 *
 * The last `window` states are kept. Each change between consecutive states is weighted by its
 * position, from 0.8 (oldest) to 1.2 (newest); the weighted sum is divided by the window - 1
 * possible changes and scaled to percent. Flapping starts above `high` and stops below `low`;
 * in between, the previous verdict stands (hysteresis).
 *
 * Before `window` results exist, the window is filled with the first state, as Nagios fills its
 * history when flap detection starts. Missing history therefore counts as "no change": a new
 * check can flap early only if it changes often enough to clear `high` on its own, and the
 * divisor never shrinks, so a few early changes cannot look like 100%.
 */
export class FlapDetector {
  readonly low: number;
  readonly high: number;
  readonly window: number;
  private readonly history: CheckState[] = [];
  private isFlapping = false;

  constructor(options: FlapDetectorOptions) {
    const { low, high, window = 21 } = options;
    if (!Number.isInteger(window) || window < 3) {
      throw new EscalatorError(
        "CONFIG_INVALID",
        `flap detection window must be a whole number ≥ 3, not ${window}`,
      );
    }
    if (!(low >= 0 && high <= 100 && low <= high)) {
      throw new EscalatorError(
        "CONFIG_INVALID",
        `flap detection needs 0 ≤ low ≤ high ≤ 100, not low ${low} and high ${high}`,
      );
    }
    this.low = low;
    this.high = high;
    this.window = window;
  }

  get flapping(): boolean {
    return this.isFlapping;
  }

  /** Records one result and returns the verdict after it. */
  record(state: CheckState): FlapReading {
    if (this.history.length === 0) {
      for (let i = 0; i < this.window; i++) this.history.push(state);
    } else {
      this.history.push(state);
      this.history.shift();
    }
    const percent = this.percent();
    const before = this.isFlapping;
    if (percent > this.high) this.isFlapping = true;
    else if (percent < this.low) this.isFlapping = false;
    return { flapping: this.isFlapping, changed: before !== this.isFlapping, percent };
  }

  /** The weighted percent state change of the current window (0 before any result). */
  percent(): number {
    const changes = this.window - 1;
    let weighted = 0;
    for (let x = 1; x < this.history.length; x++) {
      if (this.history[x] === this.history[x - 1]) continue;
      // x = 1 is the oldest possible change, x = window - 1 the newest.
      weighted +=
        OLDEST_CHANGE_WEIGHT + ((x - 1) * (NEWEST_CHANGE_WEIGHT - OLDEST_CHANGE_WEIGHT)) / (changes - 1);
    }
    // Rounded so that floating-point noise cannot tip a comparison with a threshold.
    return Math.round(((weighted * 100) / changes) * 1e9) / 1e9;
  }
}
