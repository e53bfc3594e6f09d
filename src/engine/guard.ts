import type { GuardConfig } from "../config/schema.js";
import type { Plan } from "./types.js";

export interface GuardTrip {
  group: string;
  targets: number;
  failing: number;
  limit: number;
}

/** The most targets of a group of `size` that may be acted on: max_failing, never below min. */
export function guardLimit(guard: GuardConfig, size: number): number {
  const raw =
    typeof guard.max_failing === "number"
      ? guard.max_failing
      : Math.floor((Number.parseFloat(guard.max_failing) / 100) * size);
  return Math.max(guard.min, raw);
}

/**
 * The blast-radius guard, a pure function. For each group, count the failing targets that
 * target-scoped levels would act on; above the group's limit, those levels act on nobody and
 * the trip is reported so a human can be paged with the numbers. Targets chosen only because an
 * environment-wide level earlier in the plan rebuilds everything are not "failing" and pass.
 */
export function applyGuard(
  plan: Plan,
  groups: Readonly<Record<string, readonly string[]>>,
  guardFor: (group: string) => GuardConfig,
): { plan: Plan; trips: GuardTrip[] } {
  const failingByGroup = new Map<string, Set<string>>();
  for (const level of plan.levels) {
    if (level.scope !== "targets" || level.group === undefined || level.because.startsWith("all of "))
      continue;
    const set = failingByGroup.get(level.group) ?? new Set<string>();
    for (const target of level.targets) set.add(target);
    failingByGroup.set(level.group, set);
  }
  const trips: GuardTrip[] = [];
  for (const [group, failing] of failingByGroup) {
    const size = groups[group]?.length ?? 0;
    const limit = guardLimit(guardFor(group), size);
    if (failing.size > limit) trips.push({ group, targets: size, failing: failing.size, limit });
  }
  if (trips.length === 0) return { plan, trips };
  const tripped = new Set(trips.map((t) => t.group));
  return {
    plan: {
      ...plan,
      levels: plan.levels.map((level) =>
        level.group !== undefined && tripped.has(level.group) && !level.because.startsWith("all of ")
          ? {
              ...level,
              targets: [],
              because: `blast-radius guard: ${level.group} has too many failing targets`,
            }
          : level,
      ),
      notes: [
        ...plan.notes,
        ...trips.map(
          (t) =>
            `blast-radius guard tripped for ${t.group}: ${t.failing} of ${t.targets} targets failing, limit ${t.limit}; no target-scoped action runs for it`,
        ),
      ],
    },
    trips,
  };
}

/** "blast-radius guard: 3 of 3 targets of web failing, limit 1" for each trip. */
export function guardReason(trips: readonly GuardTrip[]): string {
  return trips
    .map(
      (t) =>
        `blast-radius guard: ${t.failing} of ${t.targets} targets of ${t.group} failing, limit ${t.limit}`,
    )
    .join("; ");
}
