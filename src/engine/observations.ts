import { CheckTracker } from "../checks/check-tracker.js";
import { FlapDetector } from "../checks/flap-detector.js";
import type { CheckInstance } from "../checks/scheduler.js";
import type { CheckResult } from "../checks/types.js";
import type { FlappingConfig } from "../config/schema.js";
import type { CheckStatusRecord, CheckTransitionRecord } from "../store/types.js";
import { suppressionOf } from "./suppression.js";
import type { FailingCheck } from "./types.js";

export interface ObservationSink {
  /** A check instance changed state or started/stopped counting as failing. */
  onTransition(transition: CheckTransitionRecord, status: CheckStatusRecord): void;
  /** A check instance started or stopped flapping. */
  onFlapping?(instance: CheckInstance, flapping: boolean, percent: number): void;
}

export interface Observed {
  instance: CheckInstance;
  tracker: CheckTracker;
  flap?: FlapDetector;
  flapping: boolean;
  /** Time of the first result; undefined until then. */
  firstSeenAt?: number;
  /** Alert instances come and go with Alertmanager, not with target groups. */
  external: boolean;
}

/**
 * What the engine currently believes about every check instance: the trackers that apply
 * failures/successes thresholds, flap detection, and the set that counts as failing. Failing
 * instances that are flapping, silenced, or whose parent check fails do not plan levels.
 */
export class Observations {
  private readonly observed = new Map<string, Observed>();
  private readonly failingKeys = new Set<string>();
  private isSilenced: (check: string, target: string) => boolean = () => false;

  constructor(
    private readonly environment: string,
    private readonly sink: ObservationSink,
    private readonly flapping: FlappingConfig = { low: 5, high: 20 },
  ) {}

  setSilencer(isSilenced: (check: string, target: string) => boolean): void {
    this.isSilenced = isSilenced;
  }

  /** Keeps trackers of instances that still exist; forgets the rest and returns them. */
  setInstances(instances: readonly CheckInstance[]): CheckInstance[] {
    const wanted = new Set(instances.map((i) => i.key));
    const removed: CheckInstance[] = [];
    for (const [key, entry] of this.observed) {
      if (!wanted.has(key) && !entry.external) {
        removed.push(entry.instance);
        this.observed.delete(key);
        this.failingKeys.delete(key);
      }
    }
    for (const instance of instances) {
      const existing = this.observed.get(instance.key);
      if (existing) existing.instance = instance;
      else this.observed.set(instance.key, this.observe(instance, false));
    }
    return removed;
  }

  /** Records a result for an instance not run by the scheduler (an Alertmanager alert). */
  recordExternal(instance: CheckInstance, result: CheckResult, at: number): void {
    if (!this.observed.has(instance.key)) this.observed.set(instance.key, this.observe(instance, true));
    this.record(instance, result, at);
  }

  record(instance: CheckInstance, result: CheckResult, at: number): void {
    const entry = this.observed.get(instance.key);
    if (!entry) return;
    entry.firstSeenAt ??= at;
    const outcome = entry.tracker.record(result, at);
    if (outcome.failing) this.failingKeys.add(instance.key);
    else this.failingKeys.delete(instance.key);
    if (entry.flap) {
      const flap = entry.flap.record(result.state);
      entry.flapping = flap.flapping;
      if (flap.changed) this.sink.onFlapping?.(instance, flap.flapping, flap.percent);
    }
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

  /** Failing instances that plan levels: not flapping, not silenced, no failing parent. */
  failing(): FailingCheck[] {
    return this.allFailing()
      .filter((f) => f.suppressed === undefined)
      .map(({ suppressed: _, ...f }) => f);
  }

  /** Failing instances that do not plan levels, and why: for status. */
  suppressed(): { check: string; target: string; why: string }[] {
    return this.allFailing().flatMap((f) =>
      f.suppressed ? [{ check: f.check, target: f.target ?? "", why: f.suppressed }] : [],
    );
  }

  /** Instances currently flapping, as check or check@target. */
  flappingKeys(): string[] {
    return [...this.observed.entries()].filter(([, e]) => e.flapping).map(([key]) => key);
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

  private allFailing(): (FailingCheck & { suppressed?: string })[] {
    const entries = [...this.failingKeys].flatMap((key) => {
      const entry = this.observed.get(key);
      return entry ? [entry] : [];
    });
    return suppressionOf(entries, this.isSilenced).map(({ entry, suppressed }) => {
      const last = entry.tracker.lastResult;
      return {
        check: entry.instance.check.name,
        target: entry.instance.target,
        level: entry.instance.check.level,
        state: last?.state ?? "UNKNOWN",
        message: last?.message ?? "",
        since: entry.tracker.since,
        firstSeenAt: entry.firstSeenAt,
        suppressed,
      };
    });
  }

  private observe(instance: CheckInstance, external: boolean): Observed {
    const { failures, successes, escalate_on } = instance.check;
    const flapping =
      instance.check.flapping === false ? undefined : (instance.check.flapping ?? this.flapping);
    return {
      instance,
      tracker: new CheckTracker({ failures, successes, escalateOn: escalate_on }),
      flap: flapping ? new FlapDetector({ low: flapping.low, high: flapping.high }) : undefined,
      flapping: false,
      external,
    };
  }
}
