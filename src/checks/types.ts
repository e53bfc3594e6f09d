import type { Logger } from "pino";
import type { CheckConfig, CheckState } from "../config/schema.js";
import type { ParsedValues } from "../config/values-schema.js";
import type { ValueStore } from "../store/types.js";

/** One Nagios performance-data item: 'label'=value[UOM];[warn];[crit];[min];[max] */
export interface PerfDatum {
  label: string;
  value: number;
  uom: string;
  warn?: string;
  crit?: string;
  min?: number;
  max?: number;
}

export interface CheckResult {
  state: CheckState;
  /** One line for humans: the plugin's first line, or what the probe saw. */
  message: string;
  perfdata: PerfDatum[];
  /** Wall time the probe took. */
  durationMs: number;
  /** Further output lines (command checks), bounded. */
  longOutput?: string;
  /**
   * Per-target outcomes from one probe that covers a whole group (a Prometheus query with
   * target_label). Targets of the group that are absent here are OK.
   */
  byTarget?: Record<string, { state: CheckState; message: string }>;
}

/** What one run of one check instance sees. Placeholders are not yet substituted in `check`. */
export interface CheckContext {
  check: CheckConfig;
  /** Set when the check has `for_each`. */
  target?: string;
  environment: string;
  /** Folder of the config file: relative paths in argv resolve against it. */
  cwd: string;
  timeoutMs: number;
  logger?: Logger;
  /** For value checks: the config's values: section, and the store that keeps verdicts and baselines. */
  values?: { config?: ParsedValues; store?: ValueStore };
}

/** A check kind. `run` never throws for a failed probe: a failure is a CRITICAL or UNKNOWN result. */
export interface Check {
  kind: CheckKind;
  run(ctx: CheckContext, signal: AbortSignal): Promise<CheckResult>;
}

export type CheckKind = "http" | "tcp" | "ping" | "command" | "prometheus" | "scenario" | "value";
