import type { StatusView } from "../server/types.js";
import type { PauseRecord, SilenceRecord } from "../store/types.js";
import { formatDuration } from "../util/duration.js";
import { formatTime } from "./output.js";

/** The lines `status` adds about pauses, silences, the guard, the rate limit and flapping checks. */
export function safetyLines(input: {
  now: number;
  pause: PauseRecord | undefined;
  silences: readonly SilenceRecord[];
  daemon: StatusView | undefined;
}): string[] {
  const { now, pause, silences, daemon } = input;
  const lines: string[] = [];
  if (pause && (pause.until === null || pause.until > now)) {
    const until =
      pause.until === null
        ? "until `escalator resume`"
        : `until ${formatTime(pause.until)} (${formatDuration(pause.until - now)} left)`;
    lines.push(
      `PAUSED by ${pause.by} since ${formatTime(pause.since)}, ${until}${pause.reason ? `: ${pause.reason}` : ""}`,
    );
  }
  if (daemon?.maintenance)
    lines.push(`${daemon.maintenance.reason}, until ${formatTime(daemon.maintenance.until)}`);
  for (const s of silences) {
    lines.push(
      `silenced: ${s.check}${s.target ? ` on ${s.target}` : ""} by ${s.by} until ${formatTime(s.until)}${s.reason ? `: ${s.reason}` : ""}`,
    );
  }
  if (daemon) {
    const limit = daemon.rateLimit;
    lines.push(
      `rate limit: ${limit.used} of ${limit.max} escalations in the last ${formatDuration(limit.perMs)}${limit.nextAllowedAt ? `; next allowed at ${formatTime(limit.nextAllowedAt)}` : ""}`,
    );
    for (const [group, guard] of Object.entries(daemon.guard)) {
      lines.push(
        `guard ${group}: ${guard.failing} of ${guard.targets} targets failing, limit ${guard.limit}${guard.tripped ? " — TRIPPED: no target-scoped action runs" : ""}`,
      );
    }
    if (daemon.flapping.length > 0)
      lines.push(`flapping (no escalation until they settle): ${daemon.flapping.join(", ")}`);
    if (daemon.awaitingApproval) {
      const a = daemon.awaitingApproval;
      lines.push(
        `level ${a.level} waits for approval: escalator approve ${a.escalationId}  (or: escalator reject ${a.escalationId})`,
      );
    }
  }
  return lines;
}
