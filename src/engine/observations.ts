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
  /** Time of the first result; undefined until then. */
  firstSeenAt?: number;
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

  /** Keeps trackers of instances that still exist; forgets the rest and returns them. */
  setInstances(instances: readonly CheckInstance[]): CheckInstance[] {
    const wanted = new Set(instances.map((i) => i.key));
    const removed: CheckInstance[] = [];
    for (const [key, entry] of this.observed) {
      if (!wanted.has(key)) {
        removed.push(entry.instance);
        this.observed.delete(key);
        this.failingKeys.delete(key);
      }
    }
    for (const instance of instances) {
      const existing = this.observed.get(instance.key);
      if (existing) existing.instance = instance;
      else this.observed.set(instance.key, { instance, tracker: trackerFor(instance) });
    }
    return removed;
  }

  record(instance: CheckInstance, result: CheckResult, at: number): void {
    const entry = this.observed.get(instance.key);
    if (!entry) return;
    entry.firstSeenAt ??= at;
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
        since: entry.tracker.since,
        firstSeenAt: entry.firstSeenAt,
      });
    }
    return failing;
  }

  /** Failing instances whose latest result no longer requires escalation: they need more successes in a row. */
  recovering(): Set<string> {
    const keys = new Set<string>();
    for (const key of this.failingKeys) {
      const entry = this.observed.get(key);
      const last = entry?.tracker.lastResult;
      if (entry && last && !entry.tracker.requiresEscalation(last.state)) keys.add(key);
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
