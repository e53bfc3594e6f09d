import { suggestion } from "./did-you-mean.js";
import type { CheckConfig, FallbackConfig, LevelConfig, ParsedConfig } from "./schema.js";

export interface ReferenceProblem {
  path: (string | number)[];
  message: string;
}

const PROBES = ["http", "tcp", "ping", "command"] as const;
const TARGET_PLACEHOLDER = /\{\{\s*target\s*\}\}/;

function mentionsTarget(value: unknown): boolean {
  return JSON.stringify(value ?? null).match(TARGET_PLACEHOLDER) !== null;
}

function exactlyOneRunner(
  spec: LevelConfig | FallbackConfig,
  path: (string | number)[],
  problems: ReferenceProblem[],
) {
  const set = (["run", "shell", "webhook"] as const).filter((key) => spec[key] !== undefined);
  if (set.length === 0)
    problems.push({ path, message: 'needs one of run: [argv...], shell: "script" or webhook: {url}' });
  if (set.length > 1)
    problems.push({ path, message: `has ${set.join(" and ")}; keep exactly one of run, shell or webhook` });
  if (spec.shell !== undefined && mentionsTarget(spec.shell)) {
    problems.push({
      path: [...path, "shell"],
      message:
        'placeholders are never substituted into shell scripts (a target name must not reach a shell); use "$ESCALATOR_TARGET" instead of {{target}}',
    });
  }
}

/** Cross-references zod cannot see: names that must exist, duplicates, and for_each that makes no sense. */
export function validateReferences(config: ParsedConfig): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const groups = Object.keys(config.targets);
  const levelsByName = new Map<string, LevelConfig>();

  const checkGroup = (group: string | undefined, path: (string | number)[]) => {
    if (group !== undefined && !(group in config.targets)) {
      const known =
        groups.length > 0
          ? `; declared groups: ${groups.join(", ")}`
          : "; no target groups are declared under targets:";
      problems.push({ path, message: `unknown target group "${group}"${suggestion(group, groups)}${known}` });
    }
  };

  for (const [group, spec] of Object.entries(config.targets)) {
    if (!Array.isArray(spec)) continue;
    const seen = new Set<string>();
    spec.forEach((target, i) => {
      if (seen.has(target))
        problems.push({
          path: ["targets", group, i],
          message: `duplicate target "${target}" in group ${group}`,
        });
      seen.add(target);
    });
  }

  config.levels.forEach((level, i) => {
    const path = ["levels", i];
    if (levelsByName.has(level.name))
      problems.push({ path: [...path, "name"], message: `duplicate level name "${level.name}"` });
    levelsByName.set(level.name, level);
    exactlyOneRunner(level, path, problems);
    if (level.fallback) exactlyOneRunner(level.fallback, [...path, "fallback"], problems);
    checkGroup(level.for_each, [...path, "for_each"]);
    if (
      level.for_each === undefined &&
      mentionsTarget([level.run, level.webhook, level.fallback, level.env])
    ) {
      problems.push({
        path,
        message: `level "${level.name}" uses {{target}} but has no for_each, so there is no target to substitute; add for_each: GROUP or remove the placeholder`,
      });
    }
  });

  const checkNames = new Set<string>();
  const levelNames = [...levelsByName.keys()];
  config.checks.forEach((check: CheckConfig, i) => {
    const path = ["checks", i];
    if (checkNames.has(check.name))
      problems.push({ path: [...path, "name"], message: `duplicate check name "${check.name}"` });
    checkNames.add(check.name);
    const probes = PROBES.filter((key) => check[key] !== undefined);
    if (probes.length !== 1) {
      problems.push({
        path,
        message:
          probes.length === 0
            ? "needs one probe: http, tcp, ping or command"
            : `has ${probes.join(" and ")}; a check has exactly one probe (split it into several checks)`,
      });
    }
    checkGroup(check.for_each, [...path, "for_each"]);
    const level = levelsByName.get(check.level);
    if (!level) {
      problems.push({
        path: [...path, "level"],
        message: `unknown level "${check.level}"${suggestion(check.level, levelNames)}; levels are: ${levelNames.join(", ")}`,
      });
    } else if (level.for_each !== undefined && check.for_each === undefined) {
      problems.push({
        path: [...path, "for_each"],
        message: `check "${check.name}" has no for_each but its level "${level.name}" runs per target of group ${level.for_each}: a failure would not say which target to act on. Add for_each: ${level.for_each}, or map the check to an environment-wide level`,
      });
    } else if (
      level.for_each !== undefined &&
      check.for_each !== undefined &&
      check.for_each !== level.for_each
    ) {
      problems.push({
        path: [...path, "for_each"],
        message: `check "${check.name}" runs per target of group ${check.for_each} but its level "${level.name}" acts on group ${level.for_each}: a failing ${check.for_each} target names no ${level.for_each} target. Use the same group, or map the check to an environment-wide level`,
      });
    }
    if (
      check.for_each === undefined &&
      mentionsTarget([check.http, check.tcp, check.ping, check.command, check.env])
    ) {
      problems.push({
        path,
        message: `check "${check.name}" uses {{target}} but has no for_each, so there is no target to substitute; add for_each: GROUP`,
      });
    }
  });

  return problems;
}
