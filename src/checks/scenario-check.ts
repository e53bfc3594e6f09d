import { registerBuiltinSteps } from "../features/builtin/builtin-steps.js";
import { monitorOutput } from "../features/monitor-output.js";
import { runFeatures } from "../features/run-features.js";
import type { RunSummary } from "../features/types.js";
import { substituteUrl } from "../util/template.js";
import { parseNagiosOutput } from "./nagios-output.js";
import type { Check, CheckResult } from "./types.js";

const STATE_OF_EXIT = ["OK", "WARNING", "CRITICAL", "UNKNOWN"] as const;

/**
 * Gherkin scenarios as a check: the run maps onto Nagios states (failed → CRITICAL, undefined or
 * pending → WARNING, parse errors → UNKNOWN). A failure on the first attempt is retried once
 * before it counts, and the retry shows in the message: one-off failures should not page anyone.
 */
export const scenarioCheck: Check = {
  kind: "scenario",
  async run(ctx, signal): Promise<CheckResult> {
    const probe = ctx.check.scenario;
    const started = Date.now();
    if (!probe)
      return {
        state: "UNKNOWN",
        message: "scenario check without a scenario probe",
        perfdata: [],
        durationMs: 0,
      };
    let target: string | undefined;
    if (probe.target !== undefined) {
      const substituted = substituteUrl(probe.target, { target: ctx.target, environment: ctx.environment });
      if ("error" in substituted)
        return { state: "UNKNOWN", message: substituted.error, perfdata: [], durationMs: 0 };
      target = substituted.url;
    }
    const attempt = (): Promise<RunSummary> =>
      runFeatures({
        paths: probe.paths,
        ...(probe.tags ? { tags: probe.tags } : {}),
        ...(probe.require ? { require: probe.require } : {}),
        ...(target ? { target } : {}),
        cwd: ctx.cwd,
        supportCode: [registerBuiltinSteps],
        onMessage: () => {},
        signal,
      });
    let summary = await attempt();
    let retryNote = "";
    if (monitorOutput(summary, 0).exitCode === 2 && !signal.aborted) {
      const first = summary.problems[0];
      retryNote = ` (retried once after: ${first ? `${first.uri}:${first.line} ${first.message.split("\n")[0]}` : "a failure"})`;
      summary = await attempt();
    }
    if (signal.aborted) {
      // Interrupted scenarios prove nothing: never report OK for a run that did not finish.
      const took = ((Date.now() - started) / 1000).toFixed(1);
      return {
        state: "UNKNOWN",
        message: `ESCALATOR UNKNOWN - scenarios interrupted after ${took}s (check timeout)${retryNote}`,
        perfdata: [],
        durationMs: Date.now() - started,
      };
    }
    const output = monitorOutput(summary, (Date.now() - started) / 1000);
    const parsed = parseNagiosOutput(output.text);
    return {
      state: STATE_OF_EXIT[output.exitCode] ?? "UNKNOWN",
      message: `${parsed.message}${retryNote}`,
      perfdata: parsed.perfdata,
      durationMs: Date.now() - started,
      ...(parsed.longOutput ? { longOutput: parsed.longOutput } : {}),
    };
  },
};
