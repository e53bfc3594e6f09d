import type { ResolvedConfig } from "./load-config.js";
import type { GuardConfig } from "./schema.js";

/** The blast-radius guard of a target group: its own, or the environment's default. */
export function guardOf(config: Pick<ResolvedConfig, "targets" | "guard">, group: string): GuardConfig {
  const spec = config.targets[group];
  return (spec && !Array.isArray(spec) && "guard" in spec ? spec.guard : undefined) ?? config.guard;
}

/** Whether a check name can be silenced: a configured check, a named alert route, or any alert:NAME. */
export function isSilenceableCheck(
  config: Pick<ResolvedConfig, "checks" | "alerts">,
  check: string,
): boolean {
  return (
    check.startsWith("alert:") ||
    config.checks.some((c) => c.name === check) ||
    config.alerts.some((a) => a.name === check)
  );
}
