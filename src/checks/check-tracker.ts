import type { CheckState } from "../config/schema.js";
import type { CheckResult } from "./types.js";

export interface CheckTrackerOptions {
  /** Results requiring escalation in a row before the instance counts as failing. */
  failures: number;
  /** Results not requiring escalation in a row before a failing instance counts as passing. */
  successes: number;
  /** States that require escalation; CRITICAL always does. */
  escalateOn: readonly CheckState[];
}

export interface TrackedResult {
  /** Whether the instance counts as failing after this result. */
  failing: boolean;
  /** `failing` flipped with this result. */
  changed: boolean;
  /** The result's state differs from the previous result's (true for the first result). */
  stateChanged: boolean;
  previousState: CheckState | undefined;
}

/**
 * Turns the results of ONE check instance into "counts as failing or not", with the
 * check's `failures` / `successes` thresholds. Pure: time is passed in.
 */
export class CheckTracker {
  private readonly requiring: ReadonlySet<CheckState>;
  private streak = 0;
  private current: CheckResult | undefined;
  private isFailing = false;
  private failingSince: number | undefined;

  constructor(private readonly options: CheckTrackerOptions) {
    this.requiring = new Set<CheckState>([...options.escalateOn, "CRITICAL"]);
  }

  /** Whether a state requires escalation under this tracker's `escalateOn`. */
  requiresEscalation(state: CheckState): boolean {
    return this.requiring.has(state);
  }

  record(result: CheckResult, at: number): TrackedResult {
    const previousState = this.current?.state;
    this.current = result;
    const requires = this.requiresEscalation(result.state);
    // An UNKNOWN that does not escalate is no information either way: it neither starts a
    // failure nor proves a repair worked (a monitoring outage must not read as "healthy").
    if (result.state === "UNKNOWN" && !requires) {
      return {
        failing: this.isFailing,
        changed: false,
        stateChanged: previousState !== result.state,
        previousState,
      };
    }
    // The streak counts results pointing away from the current verdict; one the other way resets it.
    if (requires !== this.isFailing) this.streak += 1;
    else this.streak = 0;

    let changed = false;
    if (!this.isFailing && this.streak >= this.options.failures) {
      this.isFailing = true;
      this.failingSince = at;
      changed = true;
    } else if (this.isFailing && this.streak >= this.options.successes) {
      this.isFailing = false;
      this.failingSince = undefined;
      changed = true;
    }
    if (changed) this.streak = 0;
    return { failing: this.isFailing, changed, stateChanged: previousState !== result.state, previousState };
  }

  /** State of the last result, or undefined before the first. */
  get state(): CheckState | undefined {
    return this.current?.state;
  }

  get failing(): boolean {
    return this.isFailing;
  }

  /** When the instance became failing (the `at` of the result that tipped it), while it is failing. */
  get since(): number | undefined {
    return this.failingSince;
  }

  get lastResult(): CheckResult | undefined {
    return this.current;
  }
}
