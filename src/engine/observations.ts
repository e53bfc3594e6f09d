import { CheckTracker } from "../checks/check-tracker.js";
import type { CheckInstance } from "../checks/scheduler.js";
import type { CheckResult } from "../checks/types.js";
import type { CheckStatusRecord, CheckTransitionRecord } from "../store/types.js";
import type { FailingCheck } from "./types.js";

export interface ObservationSink {
  /** A check instance changed state or started/stopped counting as failing. */
  onTransition(transition: CheckTransitionRecord, status: CheckStatusRecord): void;
}

interface Observed {
  instance: CheckInstance;
  tracker: CheckTracker;
}

/**
 * What the engine currently believes about every check instance: the trackers that apply
 * failures/successes thresholds, and the set that counts as failing.
 */
export class Observations {
  private readonly observed = new Map<string, Observed>();
  private readonly failingKeys = new Set<string>();

  constructor(
    private readonly environment: string,
    private readonly sink: ObservationSink,
  ) {}

  /** Keeps trackers of instances that still exist; forgets the rest. */
  setInstances(instances: readonly CheckInstance[]): void {
    const wanted = new Set(instances.map((i) => i.key));
    for (const key of this.observed.keys()) {
      if (!wanted.has(key)) {
        this.observed.delete(key);
        this.failingKeys.delete(key);
      }
    }
    for (const instance of instances) {
      const existing = this.observed.get(instance.key);
      if (existing) existing.instance = instance;
      else this.observed.set(instance.key, { instance, tracker: trackerFor(instance) });
    }
  }

  record(instance: CheckInstance, result: CheckResult, at: number): void {
    const entry = this.observed.get(instance.key);
    if (!entry) return;
    const outcome = entry.tracker.record(result, at);
    if (outcome.failing) this.failingKeys.add(instance.key);
    else this.failingKeys.delete(instance.key);
    if (!outcome.changed && !outcome.stateChanged) return;
    const target = instance.target ?? "";
    this.sink.onTransition(
      {
        environment: this.environment,
        check: instance.check.name,
        target,
        fromState: outcome.previousState ?? null,
        toState: result.state,
        failing: outcome.failing,
        message: result.message,
        at,
      },
      {
        environment: this.environment,
        check: instance.check.name,
        target,
        state: result.state,
        failing: outcome.failing,
        message: result.message,
        perfdata: JSON.stringify(result.perfdata),
        level: instance.check.level,
        updatedAt: at,
      },
    );
  }

  failing(): FailingCheck[] {
    const failing: FailingCheck[] = [];
    for (const key of this.failingKeys) {
      const entry = this.observed.get(key);
      if (!entry) continue;
      const last = entry.tracker.lastResult;
      failing.push({
        check: entry.instance.check.name,
        target: entry.instance.target,
        level: entry.instance.check.level,
        state: last?.state ?? "UNKNOWN",
        message: last?.message ?? "",
      });
    }
    return failing;
  }

  /** Failing instances whose latest result already passes: they need more successes in a row. */
  recovering(): Set<string> {
    const keys = new Set<string>();
    for (const key of this.failingKeys) {
      const entry = this.observed.get(key);
      if (entry && entry.tracker.lastResult?.state === "OK") keys.add(key);
    }
    return keys;
  }

  /** Instance count, for status. */
  get size(): number {
    return this.observed.size;
  }
}

function trackerFor(instance: CheckInstance): CheckTracker {
  const { failures, successes, escalate_on } = instance.check;
  return new CheckTracker({ failures, successes, escalateOn: escalate_on });
}
