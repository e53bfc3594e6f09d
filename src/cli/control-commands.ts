import type { Command } from "commander";
import { isSilenceableCheck } from "../config/config-lookups.js";
import type { ResolvedConfig } from "../config/load-config.js";
import type { Store } from "../store/types.js";
import { formatDuration, parseDuration } from "../util/duration.js";
import { EscalatorError } from "../util/errors.js";
import { currentUser } from "./ack-command.js";
import { configFor, EXIT, outputFor, withStore } from "./command-context.js";
import { connectDaemon } from "./daemon-client.js";

interface Change {
  /** The API call, when a daemon is up. */
  path: string;
  body: Record<string, unknown>;
  /** The same change written to the store, when none is. Returns the message, or throws. */
  offline(store: Store, config: ResolvedConfig, now: number): Promise<string>;
}

/** Applies a change through the running daemon's API, or through the store when none runs. */
async function apply(command: Command, change: Change): Promise<void> {
  const out = outputFor(command);
  const config = await configFor(command);
  const daemon = await connectDaemon(config);
  let message: string;
  let via: "api" | "store";
  if (daemon) {
    via = "api";
    const { status, body } = await daemon.post(change.path, change.body);
    if (status !== 200) {
      const error = String(body.error ?? `HTTP ${status}`);
      if (out.json) out.data({ ok: false, status, error });
      else out.error(`escalator: ${error}`);
      process.exitCode = EXIT.failure;
      return;
    }
    message = String(body.message ?? "done");
  } else {
    via = "store";
    message = await withStore(config, (store) => change.offline(store, config, Date.now()));
  }
  if (out.json) out.data({ ok: true, message, via });
  else
    out.line(
      `${message}${via === "store" ? " (no daemon answered; written to the store, the daemon applies it within a second of starting)" : ""}`,
    );
  process.exitCode = EXIT.ok;
}

function durationOption(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch (error) {
    throw new EscalatorError("USAGE", `${flag}: ${(error as Error).message}`);
  }
}

export function registerControlCommands(program: Command): void {
  program
    .command("pause")
    .description("stop escalating this environment; checks still run and are recorded")
    .option("--for <duration>", "resume by itself after this long (default: until `escalator resume`)")
    .option("--reason <text>", "why, shown in status", "")
    .option("--by <name>", "who (default: the current user)")
    .addHelpText(
      "after",
      '\nExamples:\n  escalator pause --for 1h --reason "database upgrade"\n  escalator pause',
    )
    .action(async (options: { for?: string; reason: string; by?: string }, command: Command) => {
      const forMs = durationOption(options.for, "--for");
      const by = options.by ?? currentUser();
      await apply(command, {
        path: "/api/v1/pause",
        body: { ...(options.for ? { for: options.for } : {}), reason: options.reason, by },
        offline: async (store, config, now) => {
          await store.setPause({
            environment: config.environment,
            by,
            reason: options.reason,
            since: now,
            until: forMs === undefined ? null : now + forMs,
          });
          return `paused ${forMs === undefined ? "until resumed" : `for ${formatDuration(forMs)}`}`;
        },
      });
    });

  program
    .command("resume")
    .description("end a pause")
    .option("--by <name>", "who (default: the current user)")
    .addHelpText("after", "\nExamples:\n  escalator resume")
    .action(async (options: { by?: string }, command: Command) => {
      const by = options.by ?? currentUser();
      await apply(command, {
        path: "/api/v1/resume",
        body: { by },
        offline: async (store, config) => {
          await store.clearPause(config.environment);
          return "resumed";
        },
      });
    });

  program
    .command("silence")
    .argument("<check>", "the check to silence")
    .description("keep one check from escalating for a while; it still runs and is recorded")
    .requiredOption("--for <duration>", "how long, e.g. 30m")
    .option("--target <target>", "only this target (default: every target)")
    .option("--reason <text>", "why, shown in status", "")
    .option("--by <name>", "who (default: the current user)")
    .addHelpText(
      "after",
      '\nExamples:\n  escalator silence node-port --target web-2 --for 30m --reason "replacing the NIC"',
    )
    .action(
      async (
        check: string,
        options: { for: string; target?: string; reason: string; by?: string },
        command: Command,
      ) => {
        const forMs = durationOption(options.for, "--for") as number;
        const by = options.by ?? currentUser();
        await apply(command, {
          path: "/api/v1/silences",
          body: {
            check,
            ...(options.target ? { target: options.target } : {}),
            for: options.for,
            reason: options.reason,
            by,
          },
          offline: async (store, config, now) => {
            if (!isSilenceableCheck(config, check)) {
              throw new EscalatorError(
                "USAGE",
                `no check named ${check}; checks are: ${config.checks.map((c) => c.name).join(", ")}`,
              );
            }
            const id = await store.addSilence({
              environment: config.environment,
              check,
              target: options.target ?? "",
              by,
              reason: options.reason,
              since: now,
              until: now + forMs,
            });
            return `silence #${id}: ${check}${options.target ? ` on ${options.target}` : ""} for ${formatDuration(forMs)}`;
          },
        });
      },
    );

  for (const decision of ["approve", "reject"] as const) {
    program
      .command(decision)
      .argument("<escalation-id>", "the escalation waiting for approval (see escalator status)")
      .description(
        decision === "approve"
          ? "let a level waiting for approval run"
          : "refuse a level waiting for approval; the escalation stops",
      )
      .option("--reason <text>", "why, kept in history", "")
      .option("--by <name>", "who (default: the current user)")
      .addHelpText("after", `\nExamples:\n  escalator ${decision} shop-20260101T120000Z-3fa2`)
      .action(async (id: string, options: { reason: string; by?: string }, command: Command) => {
        const by = options.by ?? currentUser();
        await apply(command, {
          path: `/api/v1/escalations/${encodeURIComponent(id)}/${decision}`,
          body: decision === "approve" ? { by } : { by, reason: options.reason },
          offline: async (store, _config, now) => {
            const decided = await store.decideApproval(
              id,
              decision === "approve" ? "approved" : "rejected",
              by,
              options.reason,
              now,
            );
            if (!decided) throw new EscalatorError("USAGE", `escalation ${id} is not waiting for approval`);
            return `${decision === "approve" ? "approved" : "rejected"} level ${decided.level} of ${id}`;
          },
        });
      });
  }
}
