import type { Command } from "commander";
import { formatDuration } from "../util/duration.js";
import { isProcessAlive } from "../util/run-process.js";
import { configFor, EXIT, outputFor, withStore } from "./command-context.js";
import { connectDaemon } from "./daemon-client.js";
import { formatTime, stateStyle } from "./output.js";
import { safetyLines } from "./status-safety.js";

/** A daemon that has not written for this long is considered gone. */
const HEARTBEAT_STALE_MS = 20_000;

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("show the engine state, every check instance and recent escalations, from the history store")
    .option("--all", "list passing checks too (default: failing ones and a count of the rest)")
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 the environment is stuck.\n\nExamples:\n  escalator status\n  escalator status --json | jq .engine.state",
    )
    .action(async (options: { all?: boolean }, command: Command) => {
      const out = outputFor(command);
      const config = await configFor(command);
      const now = Date.now();
      await withStore(config, async (store) => {
        const engine = await store.getEngineState(config.environment);
        const checks = await store.listCheckStatus(config.environment);
        const escalations = await store.listEscalations(config.environment, { limit: 5 });
        const alive =
          engine?.pid != null &&
          engine.heartbeatAt != null &&
          now - engine.heartbeatAt < HEARTBEAT_STALE_MS &&
          isProcessAlive(engine.pid);
        const detail = engine ? (JSON.parse(engine.detail) as Record<string, unknown>) : {};
        const pause = await store.getPause(config.environment);
        const silences = await store.listActiveSilences(config.environment, now);
        const daemonView = alive ? (await connectDaemon(config))?.status : undefined;
        if (out.json) {
          out.data({
            environment: config.environment,
            daemon: {
              running: alive,
              pid: alive ? engine?.pid : null,
              heartbeatAt: engine?.heartbeatAt ?? null,
            },
            engine: engine ? { state: engine.state, since: engine.since, detail } : null,
            checks: checks.map((c) => ({ ...c, perfdata: JSON.parse(c.perfdata) })),
            escalations,
            pause: pause ?? null,
            silences,
            api: daemonView ?? null,
          });
        } else {
          const state = engine?.state ?? "unknown";
          out.line(
            `${out.color("bold", config.environment)}: ${alive || !engine ? "" : "last known state "}${out.color(stateStyle(state), state.toUpperCase())}` +
              (engine
                ? ` for ${formatDuration(now - engine.since)} (since ${formatTime(engine.since)})`
                : " (no daemon has run yet)"),
          );
          out.line(
            `daemon: ${alive ? out.color("green", `running, pid ${engine?.pid}`) : out.color("red", "not running")}`,
          );
          for (const line of describeDetail(state, detail, now)) out.line(`  ${line}`);
          for (const line of safetyLines({ now, pause, silences, daemon: daemonView })) out.line(`  ${line}`);
          const failing = checks.filter((c) => c.failing || c.state !== "OK");
          const shown = options.all ? checks : failing;
          out.line();
          out.line(`checks: ${checks.length - failing.length} OK, ${failing.length} not OK`);
          if (shown.length > 0) {
            out.table(
              ["CHECK", "TARGET", "STATE", "FAILING", "SINCE", "MESSAGE"],
              shown.map((c) => [
                c.check,
                c.target || "-",
                out.color(stateStyle(c.state), c.state),
                c.failing ? "yes" : "no",
                formatTime(c.updatedAt),
                c.message,
              ]),
            );
          }
          if (escalations.length > 0) {
            out.line();
            out.line("recent escalations:");
            out.table(
              ["ID", "STARTED", "STATUS", "OUTCOME"],
              escalations.map((e) => [
                e.id,
                formatTime(e.startedAt),
                out.color(stateStyle(e.status), e.status),
                e.outcome ?? "…",
              ]),
            );
          }
        }
        process.exitCode = engine?.state === "stuck" ? EXIT.failure : EXIT.ok;
      });
    });
}

function describeDetail(state: string, detail: Record<string, unknown>, now: number): string[] {
  const lines: string[] = [];
  if (typeof detail.until === "number")
    lines.push(
      `${state} until ${formatTime(detail.until)} (${formatDuration(Math.max(0, detail.until - now))} left)`,
    );
  if (typeof detail.level === "string" && state !== "awaiting-approval")
    lines.push(
      `running level ${detail.level}${detail.target ? ` on ${detail.target}` : ""}, cycle ${detail.cycle ?? 1}`,
    );
  if (typeof detail.quiescingUntil === "number")
    lines.push(`level quiescence until ${formatTime(detail.quiescingUntil)}`);
  if (typeof detail.reason === "string") lines.push(`reason: ${detail.reason}`);
  if (state === "stuck") lines.push("a human was paged; fix the cause, then run: escalator ack");
  if (detail.dryRun === true) lines.push("dry run: plans are recorded, no action runs");
  return lines;
}
