import type { FailingCheck, LadderLevel, Plan, PlannedLevel } from "./types.js";

export interface PlannerInput {
  failing: readonly FailingCheck[];
  /** Most drastic first. */
  levels: readonly LadderLevel[];
  targets: Readonly<Record<string, readonly string[]>>;
  /**
   * Re-plan from exactly this level (used mid-escalation): failures mapped to more drastic
   * levels were already answered by the running plan and are left out.
   */
  startAt?: number;
}

/**
 * The planner, a pure function: the most drastic required level, then every later level.
 * A target-scoped level acts on the failing targets of its own checks and of the
 * target-scoped levels above it in the plan, or on its whole group once an
 * environment-scoped level earlier in the plan has run.
 */
export function plan(input: PlannerInput): Plan {
  const indexOf = new Map(input.levels.map((level, i) => [level.name, i]));
  const notes: string[] = [];
  const relevant: { failure: FailingCheck; index: number }[] = [];
  for (const failure of input.failing) {
    const index = indexOf.get(failure.level);
    if (index === undefined)
      notes.push(`check ${failure.check} maps to unknown level ${failure.level}; ignored`);
    else relevant.push({ failure, index });
  }
  let start = input.startAt ?? Number.POSITIVE_INFINITY;
  if (input.startAt === undefined) for (const r of relevant) start = Math.min(start, r.index);
  const considered = relevant.filter((r) => r.index >= start);
  if (considered.length === 0 && input.startAt === undefined) return { levels: [], trigger: [], notes };

  // Failing targets by the level their check maps to.
  const failingTargetsByLevel = new Map<number, Set<string>>();
  for (const { failure, index } of considered) {
    if (failure.target === undefined) continue;
    const set = failingTargetsByLevel.get(index) ?? new Set<string>();
    failingTargetsByLevel.set(index, set);
    set.add(failure.target);
  }

  const planned: PlannedLevel[] = [];
  const accumulated = new Set<string>();
  let environmentLevelRan: string | undefined;
  for (let index = start; index < input.levels.length; index++) {
    const level = input.levels[index] as LadderLevel;
    const own = failingTargetsByLevel.get(index);
    if (own) for (const target of own) accumulated.add(target);
    if (level.for_each === undefined) {
      planned.push({
        level: level.name,
        index,
        scope: "environment",
        targets: [],
        because: "environment-wide level",
      });
      environmentLevelRan ??= level.name;
      continue;
    }
    const group = input.targets[level.for_each] ?? [];
    if (environmentLevelRan !== undefined) {
      planned.push({
        level: level.name,
        index,
        scope: "targets",
        group: level.for_each,
        targets: [...group],
        because: `all of ${level.for_each}: environment-wide level ${environmentLevelRan} runs earlier in this plan`,
      });
      continue;
    }
    const inGroup = group.filter((target) => accumulated.has(target));
    if (inGroup.length < accumulated.size) {
      const members = new Set(group);
      for (const target of accumulated) {
        if (!members.has(target) && (own?.has(target) ?? false)) {
          notes.push(`target ${target} is failing but no longer in group ${level.for_each}; not acted on`);
        }
      }
    }
    planned.push({
      level: level.name,
      index,
      scope: "targets",
      group: level.for_each,
      targets: inGroup,
      because:
        inGroup.length > 0 ? "failing targets of this level and the levels above it" : "no failing targets",
    });
  }
  return { levels: planned, trigger: considered.map((r) => r.failure), notes };
}

/** The most drastic ladder index among failing checks, or undefined when none fail. */
export function mostDrasticIndex(
  failing: readonly FailingCheck[],
  levels: readonly LadderLevel[],
): number | undefined {
  const indexOf = new Map(levels.map((level, i) => [level.name, i]));
  let best: number | undefined;
  for (const failure of failing) {
    const index = indexOf.get(failure.level);
    if (index !== undefined && (best === undefined || index < best)) best = index;
  }
  return best;
}
