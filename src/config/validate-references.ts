import { suggestion } from "./did-you-mean.js";
import { validateSafetyReferences } from "./validate-safety-references.js";

export interface ReferenceProblem {
  path: (string | number)[];
  message: string;
}

type Path = (string | number)[];
type Fields = Record<string, unknown>;

const PROBES = ["http", "tcp", "ping", "command", "prometheus", "scenario", "value"] as const;
const RUNNERS = ["run", "shell", "webhook"] as const;
const TARGET_PLACEHOLDER = /\{\{\s*target\s*\}\}/;

function isRecord(value: unknown): value is Fields {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function mentionsTarget(value: unknown): boolean {
  return JSON.stringify(value ?? null).match(TARGET_PLACEHOLDER) !== null;
}

/** List items that are mappings, with their index; anything else is zod's to report. */
function entries(list: unknown): [Fields, number][] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, i): [Fields, number][] => (isRecord(item) ? [[item, i]] : []));
}

/** The parts of a level where {{target}} is substituted (a shell script never is; that has its own problem). */
function substituted(level: Fields): unknown[] {
  const fallback = isRecord(level.fallback) ? level.fallback : {};
  return [level.run, level.webhook, level.env, fallback.run, fallback.webhook, fallback.env];
}

function exactlyOneRunner(spec: Fields, path: Path, problems: ReferenceProblem[]) {
  const set = RUNNERS.filter((key) => isSet(spec[key]));
  if (set.length === 0)
    problems.push({ path, message: 'needs one of run: [argv...], shell: "script" or webhook: {url}' });
  if (set.length > 1)
    problems.push({ path, message: `has ${set.join(" and ")}; keep exactly one of run, shell or webhook` });
  const shell = text(spec.shell);
  if (shell !== undefined && mentionsTarget(shell)) {
    problems.push({
      path: [...path, "shell"],
      message:
        'placeholders are never substituted into shell scripts (a target name must not reach a shell); use "$ESCALATOR_TARGET" instead of {{target}}',
    });
  }
}

/**
 * Cross-references zod cannot see: names that must exist, duplicates, and for_each that makes no sense.
 * Takes the parsed config, or the raw YAML when zod rejected it: parts that do not have the right
 * shape are skipped (zod reports those), so the rest is still checked.
 */
export function validateReferences(config: unknown): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  if (!isRecord(config)) return problems;
  const targets = config.targets ?? {};
  const groups = isRecord(targets) ? Object.keys(targets) : undefined;
  const levelsByName = new Map<string, Fields>();

  const checkGroup = (group: unknown, path: Path) => {
    if (typeof group !== "string" || groups === undefined || groups.includes(group)) return;
    const known =
      groups.length > 0
        ? `; declared groups: ${groups.join(", ")}`
        : "; no target groups are declared under targets:";
    problems.push({ path, message: `unknown target group "${group}"${suggestion(group, groups)}${known}` });
  };

  if (isRecord(targets)) {
    for (const [group, spec] of Object.entries(targets)) {
      if (!Array.isArray(spec)) continue;
      const seen = new Set<unknown>();
      spec.forEach((target, i) => {
        if (typeof target === "string" && seen.has(target))
          problems.push({
            path: ["targets", group, i],
            message: `duplicate target "${target}" in group ${group}`,
          });
        seen.add(target);
      });
    }
  }

  const levels = entries(config.levels);
  for (const [level, i] of levels) {
    const path = ["levels", i];
    const name = text(level.name);
    const label = name === undefined ? `levels[${i}]` : `level "${name}"`;
    if (name !== undefined && levelsByName.has(name))
      problems.push({ path: [...path, "name"], message: `duplicate level name "${name}"` });
    if (name !== undefined && !levelsByName.has(name)) levelsByName.set(name, level);
    exactlyOneRunner(level, path, problems);
    if (isRecord(level.fallback)) exactlyOneRunner(level.fallback, [...path, "fallback"], problems);
    checkGroup(level.for_each, [...path, "for_each"]);
    if (!isSet(level.for_each) && mentionsTarget(substituted(level))) {
      problems.push({
        path,
        message: `${label} uses {{target}} but has no for_each, so there is no target to substitute; add for_each: GROUP or remove the placeholder`,
      });
    }
  }

  // Only say a level is unknown when every level has a name: otherwise the one meant may be the nameless one.
  const allLevelsNamed =
    Array.isArray(config.levels) &&
    config.levels.length > 0 &&
    config.levels.every((level) => isRecord(level) && typeof level.name === "string");
  const levelNames = [...levelsByName.keys()];
  const checkNames = new Set<string>();
  for (const [check, i] of entries(config.checks)) {
    const path = ["checks", i];
    const name = text(check.name);
    const label = name === undefined ? `checks[${i}]` : `check "${name}"`;
    if (name !== undefined && checkNames.has(name))
      problems.push({ path: [...path, "name"], message: `duplicate check name "${name}"` });
    if (name !== undefined) checkNames.add(name);
    const probes = PROBES.filter((key) => isSet(check[key]));
    if (probes.length !== 1) {
      problems.push({
        path,
        message:
          probes.length === 0
            ? "needs one probe: http, tcp, ping, command, prometheus, scenario or value"
            : `has ${probes.join(" and ")}; a check has exactly one probe (split it into several checks)`,
      });
    }
    checkGroup(check.for_each, [...path, "for_each"]);
    if (isRecord(check.value) && isSet(check.for_each))
      problems.push({
        path: [...path, "for_each"],
        message: "a value check judges the release of the whole environment; remove for_each",
      });
    if (isRecord(check.value) && !isSet(check.value.values) && !isSet(config.values))
      problems.push({
        path: [...path, "value"],
        message:
          "a value check needs metric definitions: set value.values to a values.yaml file, or add a values: section to this file",
      });
    const forEach = text(check.for_each);
    const levelName = text(check.level);
    const level = levelName === undefined ? undefined : levelsByName.get(levelName);
    const levelGroup = level === undefined ? undefined : text(level.for_each);
    if (levelName !== undefined && level === undefined && allLevelsNamed) {
      problems.push({
        path: [...path, "level"],
        message: `unknown level "${levelName}"${suggestion(levelName, levelNames)}; levels are: ${levelNames.join(", ")}`,
      });
    } else if (levelGroup !== undefined && !isSet(check.for_each)) {
      problems.push({
        path: [...path, "for_each"],
        message: `${label} has no for_each but its level "${levelName}" runs per target of group ${levelGroup}: a failure would not say which target to act on. Add for_each: ${levelGroup}, or map the check to an environment-wide level`,
      });
    } else if (levelGroup !== undefined && forEach !== undefined && forEach !== levelGroup) {
      problems.push({
        path: [...path, "for_each"],
        message: `${label} runs per target of group ${forEach} but its level "${levelName}" acts on group ${levelGroup}: a failing ${forEach} target names no ${levelGroup} target. Use the same group, or map the check to an environment-wide level`,
      });
    }
    if (
      !isSet(check.for_each) &&
      mentionsTarget([check.http, check.tcp, check.ping, check.command, check.env])
    ) {
      problems.push({
        path,
        message: `${label} uses {{target}} but has no for_each, so there is no target to substitute; add for_each: GROUP`,
      });
    }
  }

  problems.push(...validateSafetyReferences(config, { levelsByName, checkNames, allLevelsNamed }));
  return problems;
}
