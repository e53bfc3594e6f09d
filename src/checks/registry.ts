import { performance } from "node:perf_hooks";
import type { CheckConfig } from "../config/schema.js";
import { formatDuration } from "../util/duration.js";
import { EscalatorError, wrapPluginError } from "../util/errors.js";
import { isTimeoutReason } from "../util/is-timeout-reason.js";
import { commandCheck } from "./command-check.js";
import { httpCheck } from "./http-check.js";
import { pingCheck } from "./ping-check.js";
import { prometheusCheck } from "./prometheus-check.js";
import { scenarioCheck } from "./scenario-check.js";
import { tcpCheck } from "./tcp-check.js";
import type { Check, CheckContext, CheckKind, CheckResult } from "./types.js";
import { valueCheck } from "./value-check.js";

/** The built-in check kinds, by name. */
export const checkKinds: ReadonlyMap<CheckKind, Check> = new Map<CheckKind, Check>(
  [httpCheck, tcpCheck, pingCheck, commandCheck, prometheusCheck, scenarioCheck, valueCheck].map((check) => [
    check.kind,
    check,
  ]),
);

const PROBE_KEYS: readonly CheckKind[] = [
  "http",
  "tcp",
  "ping",
  "command",
  "prometheus",
  "scenario",
  "value",
];

/** Which probe a check config sets. Throws CHECK_FAILED when it sets none. */
export function checkKindOf(config: CheckConfig): CheckKind {
  const kind = PROBE_KEYS.find((key) => config[key] !== undefined);
  if (kind === undefined) {
    throw new EscalatorError(
      "CHECK_FAILED",
      `check ${config.name} needs one probe: http, tcp, ping, command, prometheus, scenario or value`,
    );
  }
  return kind;
}

/** How long a plugin may take to answer its own abort before runCheck answers for it. */
const ABORT_GRACE_MS = 2000;

/**
 * Runs one check instance with its timeout. Never throws: a thrown error, a missing probe or
 * a plugin that ignores its abort signal becomes an UNKNOWN result naming the plugin.
 */
export async function runCheck(ctx: CheckContext, signal: AbortSignal): Promise<CheckResult> {
  const started = performance.now();
  const unknown = (message: string): CheckResult => ({
    state: "UNKNOWN",
    message,
    perfdata: [],
    durationMs: performance.now() - started,
  });

  let kind: CheckKind;
  try {
    kind = checkKindOf(ctx.check);
  } catch (error) {
    return unknown(wrapPluginError(`check ${ctx.check.name}`, error).message);
  }
  const check = checkKinds.get(kind);
  if (check === undefined) return unknown(`check ${ctx.check.name}: no check kind named ${kind}`);
  const plugin = `${kind} check ${ctx.check.name}`;

  const combined = AbortSignal.any([signal, AbortSignal.timeout(ctx.timeoutMs)]);
  let graceTimer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const fallback = new Promise<CheckResult>((resolve) => {
    onAbort = () => {
      graceTimer = setTimeout(() => {
        const reason = isTimeoutReason(combined.reason)
          ? `timed out after ${formatDuration(ctx.timeoutMs)}`
          : "aborted";
        resolve(unknown(`${plugin}: ${reason} (the plugin did not stop)`));
      }, ABORT_GRACE_MS);
    };
    if (combined.aborted) onAbort();
    else combined.addEventListener("abort", onAbort, { once: true });
  });

  try {
    return await Promise.race([check.run(ctx, combined), fallback]);
  } catch (error) {
    const wrapped = wrapPluginError(plugin, error);
    ctx.logger?.warn({ err: wrapped, check: ctx.check.name, target: ctx.target }, "check plugin threw");
    return unknown(wrapped.message);
  } finally {
    clearTimeout(graceTimer);
    if (onAbort) combined.removeEventListener("abort", onAbort);
  }
}
