import type { Logger } from "pino";
import { runCheck } from "../checks/registry.js";
import { type CheckInstance, CheckScheduler, checkInstances } from "../checks/scheduler.js";
import type { CheckContext, CheckResult } from "../checks/types.js";
import type { CheckConfig } from "../config/schema.js";
import type { Clock } from "../util/clock.js";
import { errorMessage } from "../util/errors.js";
import type { Observations } from "./observations.js";
import type { FailingCheck } from "./types.js";

/** A Prometheus check with target_label runs one query for its whole group. */
function fansOut(check: CheckConfig): boolean {
  return check.prometheus?.target_label !== undefined && check.for_each !== undefined;
}

/**
 * Connects the scheduler to the observations. Most instances are probed one by one; a
 * group-wide probe (Prometheus with target_label) is probed once and its per-target outcomes
 * are recorded on every target of the group, absent targets counting as OK.
 */
export function wireChecks(options: {
  checks: readonly CheckConfig[];
  environment: string;
  cwd: string;
  /** What value checks need: the config's values: section and the store. */
  values?: CheckContext["values"];
  clock: Clock;
  logger: Logger;
  observations: Observations;
  targets(): Record<string, readonly string[]>;
}) {
  const { observations, clock } = options;
  const record = (instance: CheckInstance, result: CheckResult) => {
    if (!fansOut(instance.check)) return observations.record(instance, result, clock.now());
    const group = options.targets()[instance.check.for_each as string] ?? [];
    // Series name targets by label value, often host:port where the group says host.
    const byTarget = new Map<string, { state: CheckResult["state"]; message: string }>();
    for (const [key, value] of Object.entries(result.byTarget ?? {})) {
      byTarget.set(key, value);
      if (!byTarget.has(key.replace(/:\d+$/, ""))) byTarget.set(key.replace(/:\d+$/, ""), value);
    }
    const members = new Set(group);
    const unmatched = Object.keys(result.byTarget ?? {}).filter(
      (k) => !members.has(k) && !members.has(k.replace(/:\d+$/, "")),
    );
    if (unmatched.length > 0) {
      options.logger.warn(
        { check: instance.check.name, series: unmatched.slice(0, 5) },
        "failing series name no target of the group",
      );
    }
    for (const target of group) {
      const own = byTarget.get(target);
      const perTarget: CheckResult =
        result.state === "UNKNOWN" && !own
          ? result
          : own
            ? { ...result, state: own.state, message: own.message }
            : { ...result, state: "OK", message: "no failing series for this target" };
      observations.record(
        { key: `${instance.check.name}@${target}`, check: instance.check, target },
        perTarget,
        clock.now(),
      );
    }
  };
  const scheduler = new CheckScheduler({
    run: (instance, signal) =>
      runCheck(
        {
          check: instance.check,
          target: instance.target,
          environment: options.environment,
          cwd: options.cwd,
          timeoutMs: instance.check.timeout,
          logger: options.logger,
          ...(options.values ? { values: options.values } : {}),
        },
        signal,
      ),
    onResult: record,
    onError: (instance, error) =>
      options.logger.error({ check: instance.key, err: errorMessage(error) }, "check run failed"),
  });

  /** Re-derives instances from the current targets; returns the instances that went away. */
  const apply = (): CheckInstance[] => {
    const all = checkInstances(options.checks, options.targets());
    const removed = observations.setInstances(all);
    const scheduled = all.filter((i) => !fansOut(i.check));
    for (const check of options.checks.filter(fansOut)) scheduled.push({ key: check.name, check });
    scheduler.setInstances(scheduled);
    return removed;
  };

  /** Re-runs every check at once; instances needing several passes in a row get them now. */
  const verify = async (signal: AbortSignal): Promise<FailingCheck[]> => {
    await scheduler.runAllOnce(undefined, signal);
    const rounds = Math.max(1, ...options.checks.map((c) => c.successes));
    for (let round = 1; round < rounds && !signal.aborted; round++) {
      const recovering = observations.recovering();
      if (recovering.size === 0) break;
      const checks = new Set([...recovering].map((key) => key.split("@")[0]));
      await scheduler.runAllOnce(
        (instance) =>
          recovering.has(instance.key) || (fansOut(instance.check) && checks.has(instance.check.name)),
        signal,
      );
    }
    return observations.failing();
  };

  return { scheduler, apply, verify };
}
