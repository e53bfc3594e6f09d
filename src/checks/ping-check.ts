import type { CheckState } from "../config/schema.js";
import { formatDuration } from "../util/duration.js";
import { isTimeoutReason } from "../util/is-timeout-reason.js";
import { runProcess } from "../util/run-process.js";
import { substitute, type TemplateValues } from "../util/template.js";
import type { Check, CheckContext, CheckResult, PerfDatum } from "./types.js";

/** Runs the system `ping`; OK when it exits 0 (at least one reply). */
export const pingCheck: Check = {
  kind: "ping",
  async run(ctx: CheckContext, signal: AbortSignal): Promise<CheckResult> {
    const startedAt = Date.now();
    const result = (state: CheckState, message: string, perfdata: PerfDatum[] = []): CheckResult => ({
      state,
      message,
      perfdata,
      durationMs: Date.now() - startedAt,
    });
    const probe = ctx.check.ping;
    if (probe === undefined) return result("UNKNOWN", "ping check without a ping probe");

    const values: TemplateValues = { environment: ctx.environment, level: ctx.check.level };
    if (ctx.target !== undefined) values.target = ctx.target;
    const host = substitute(typeof probe === "string" ? probe : probe.host, values).trim();
    if (host === "") return result("UNKNOWN", "PING UNKNOWN - empty host");
    // An argument starting with "-" would be read by ping as an option.
    if (host.startsWith("-"))
      return result("UNKNOWN", `PING UNKNOWN - refusing host ${JSON.stringify(host)}`);
    const count = typeof probe === "string" ? 1 : probe.count;
    const waitMs = (typeof probe === "string" ? undefined : probe.timeout) ?? ctx.timeoutMs;
    const waitSeconds = Math.max(1, Math.floor(waitMs / 1000));

    const outcome = await runProcess(
      { argv: ["ping", "-n", "-c", String(count), "-W", String(waitSeconds), host] },
      { cwd: ctx.cwd, env: { LC_ALL: "C" }, timeoutMs: ctx.timeoutMs, signal },
    );
    if (outcome.spawnError?.startsWith("program not found")) {
      return result("UNKNOWN", "PING UNKNOWN - ping not found: install iputils-ping");
    }
    if (outcome.spawnError) return result("UNKNOWN", `PING UNKNOWN - ${outcome.spawnError}`);
    if (outcome.timedOut || (outcome.aborted && isTimeoutReason(signal.reason))) {
      return result("CRITICAL", `PING CRITICAL - ${host}: no answer within ${formatDuration(ctx.timeoutMs)}`);
    }
    if (outcome.aborted) return result("UNKNOWN", `PING UNKNOWN - aborted pinging ${host}`);

    const stats = parsePingOutput(outcome.output);
    const perfdata: PerfDatum[] = [];
    if (stats.rttAvgMs !== undefined)
      perfdata.push({ label: "rta", value: stats.rttAvgMs, uom: "ms", min: 0 });
    if (stats.lossPercent !== undefined) {
      perfdata.push({ label: "pl", value: stats.lossPercent, uom: "%", min: 0, max: 100 });
    }
    if (outcome.exitCode === 0) {
      const rta = stats.rttAvgMs === undefined ? "" : `, rta ${stats.rttAvgMs} ms`;
      return result("OK", `PING OK - ${host}: ${stats.lossPercent ?? 0}% packet loss${rta}`, perfdata);
    }
    const firstLine = outcome.output.trim().split("\n")[0] ?? "";
    if (/not permitted|permission denied/i.test(outcome.output)) {
      return result("UNKNOWN", `PING UNKNOWN - ping lacks privileges here: ${firstLine}`);
    }
    const detail =
      stats.lossPercent !== undefined
        ? `${stats.lossPercent}% packet loss`
        : firstLine || `ping exited ${outcome.exitCode ?? outcome.signal}`;
    return result("CRITICAL", `PING CRITICAL - ${host}: ${detail}`, perfdata);
  },
};

export interface PingStats {
  lossPercent?: number;
  rttAvgMs?: number;
}

/** Reads packet loss and average round trip from iputils or busybox ping output. */
export function parsePingOutput(text: string): PingStats {
  const stats: PingStats = {};
  const loss = /([\d.]+)% packet loss/.exec(text);
  if (loss) stats.lossPercent = Number(loss[1]);
  const rtt = /min\/avg\/max[^=]*=\s*([\d.]+)\/([\d.]+)\//.exec(text);
  if (rtt) stats.rttAvgMs = Number(rtt[2]);
  return stats;
}
