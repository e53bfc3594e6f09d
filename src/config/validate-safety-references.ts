import { Cron } from "croner";
import { suggestion } from "./did-you-mean.js";
import type { ReferenceProblem } from "./validate-references.js";

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function items(list: unknown): [Fields, number][] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, i): [Fields, number][] => (isRecord(item) ? [[item, i]] : []));
}

/**
 * References added by the safety features: check dependencies (which must exist and must not
 * form a cycle), alert routes (their level, and target_label only for per-target levels) and
 * per-series Prometheus checks (which need for_each).
 */
export function validateSafetyReferences(
  config: unknown,
  known: { levelsByName: Map<string, Fields>; checkNames: Set<string>; allLevelsNamed: boolean },
): ReferenceProblem[] {
  if (!isRecord(config)) return [];
  const problems: ReferenceProblem[] = [];
  const parents = new Map<string, string[]>();
  const levelNames = [...known.levelsByName.keys()];

  for (const [check, i] of items(config.checks)) {
    const name = typeof check.name === "string" ? check.name : undefined;
    const dependsOn = Array.isArray(check.depends_on)
      ? check.depends_on.filter((d): d is string => typeof d === "string")
      : [];
    dependsOn.forEach((parent, j) => {
      if (parent === name) {
        problems.push({
          path: ["checks", i, "depends_on", j],
          message: `check "${name}" cannot depend on itself`,
        });
      } else if (!known.checkNames.has(parent)) {
        problems.push({
          path: ["checks", i, "depends_on", j],
          message: `unknown check "${parent}"${suggestion(parent, known.checkNames)}; depends_on names other checks`,
        });
      }
    });
    if (name !== undefined) parents.set(name, dependsOn);
    const prometheus = isRecord(check.prometheus) ? check.prometheus : undefined;
    if (prometheus?.target_label !== undefined && check.for_each === undefined) {
      problems.push({
        path: ["checks", i, "prometheus", "target_label"],
        message: `target_label maps each series to a target of a group, so check "${name}" needs for_each: GROUP`,
      });
    }
  }

  // A dependency cycle would hide every failure in it.
  const visiting = new Set<string>();
  const done = new Set<string>();
  const cycleThrough = (check: string, trail: string[]): string[] | undefined => {
    if (visiting.has(check)) return [...trail.slice(trail.indexOf(check)), check];
    if (done.has(check)) return undefined;
    visiting.add(check);
    for (const parent of parents.get(check) ?? []) {
      const cycle = cycleThrough(parent, [...trail, check]);
      if (cycle) return cycle;
    }
    visiting.delete(check);
    done.add(check);
    return undefined;
  };
  for (const [check, i] of items(config.checks)) {
    if (typeof check.name !== "string" || done.has(check.name)) continue;
    const cycle = cycleThrough(check.name, []);
    if (cycle) {
      problems.push({
        path: ["checks", i, "depends_on"],
        message: `depends_on forms a cycle: ${cycle.join(" → ")}`,
      });
      break;
    }
  }

  for (const [window, i] of items(config.maintenance)) {
    if (typeof window.cron !== "string") continue;
    try {
      const timezone = typeof window.timezone === "string" ? window.timezone : undefined;
      new Cron(window.cron, { paused: true, ...(timezone ? { timezone } : {}) });
    } catch (error) {
      problems.push({
        path: ["maintenance", i, "cron"],
        message: `${(error as Error).message.replace(/^CronPattern: /, "")}; use five fields "minute hour day-of-month month day-of-week", e.g. "0 2 * * SUN"`,
      });
    }
  }

  for (const [route, i] of items(config.alerts)) {
    const levelName = typeof route.level === "string" ? route.level : undefined;
    const level = levelName === undefined ? undefined : known.levelsByName.get(levelName);
    if (levelName !== undefined && level === undefined && known.allLevelsNamed) {
      problems.push({
        path: ["alerts", i, "level"],
        message: `unknown level "${levelName}"${suggestion(levelName, levelNames)}; levels are: ${levelNames.join(", ")}`,
      });
    } else if (level !== undefined && level.for_each !== undefined && route.target_label === undefined) {
      problems.push({
        path: ["alerts", i],
        message: `level "${levelName}" runs per target of group ${String(level.for_each)}, so this route needs target_label (e.g. instance) to say which target an alert is about`,
      });
    }
  }
  return problems;
}
