import type { AlertRouteConfig, CheckState, LevelConfig } from "../config/schema.js";
import type { IncomingAlert } from "./alerts.js";

export interface RoutedAlert {
  /** The check the alert appears as, e.g. alert:NodeDown. */
  check: string;
  /** "" for environment-wide levels. */
  target: string;
  level: string;
  state: CheckState;
  message: string;
}

/**
 * Maps one Alertmanager alert to a check state, by the first route whose labels all match.
 * A per-target level needs the alert's target_label to name a target of the level's group.
 */
export function routeAlert(
  alert: IncomingAlert,
  routes: readonly AlertRouteConfig[],
  levels: readonly Pick<LevelConfig, "name" | "for_each">[],
  groups: Readonly<Record<string, readonly string[]>>,
): RoutedAlert | { ignored: string } {
  const alertname = alert.labels.alertname ?? "unnamed";
  const route = routes.find((r) =>
    Object.entries(r.match).every(([label, value]) => alert.labels[label] === value),
  );
  if (!route) return { ignored: `${alertname} (${alert.fingerprint}): no route matches its labels` };
  const level = levels.find((l) => l.name === route.level);
  if (!level) return { ignored: `${alertname}: route names unknown level ${route.level}` };
  let target = "";
  if (level.for_each !== undefined) {
    const label = route.target_label ?? "instance";
    const value = alert.labels[label];
    const members = groups[level.for_each] ?? [];
    const host = value?.replace(/:\d+$/, "");
    const match = members.find((m) => m === value) ?? members.find((m) => m === host);
    if (value === undefined)
      return { ignored: `${alertname}: no ${label} label to name a target of ${level.for_each}` };
    if (match === undefined)
      return { ignored: `${alertname}: ${label}="${value}" is not a target of ${level.for_each}` };
    target = match;
  }
  const summary = alert.annotations.summary ?? alert.annotations.description ?? alertname;
  return {
    check: route.name ?? `alert:${alertname}`,
    target,
    level: route.level,
    state: alert.status === "firing" ? "CRITICAL" : "OK",
    message: `${alert.status === "firing" ? "FIRING" : "RESOLVED"} - ${summary}`,
  };
}
