import { userInfo } from "node:os";
import type { Command } from "commander";
import { configFor, EXIT, outputFor, withStore } from "./command-context.js";

export function registerAck(program: Command): void {
  program
    .command("ack")
    .description("acknowledge a stuck environment: the daemon leaves 'stuck' and observes afresh")
    .option("--note <text>", "what was done, kept in history", "")
    .option("--by <name>", "who acknowledges (default: the current user)")
    .addHelpText("after", '\nExamples:\n  escalator ack\n  escalator ack --note "replaced the disk on web-2"')
    .action(async (options: { note: string; by?: string }, command: Command) => {
      const out = outputFor(command);
      const config = await configFor(command);
      const by = options.by ?? currentUser();
      await withStore(config, async (store) => {
        const state = await store.getEngineState(config.environment);
        const id = await store.addAck(config.environment, by, options.note, Date.now());
        const wasStuck = state?.state === "stuck";
        if (out.json) out.data({ ack: id, environment: config.environment, by, state: state?.state ?? null });
        else {
          out.line(`acknowledged by ${by} (ack #${id}); the daemon will observe afresh.`);
          if (!wasStuck)
            out.line(
              out.color(
                "yellow",
                `note: ${config.environment} is ${state?.state ?? "unknown"}, not stuck; the ack changes nothing.`,
              ),
            );
        }
      });
      process.exitCode = EXIT.ok;
    });
}

/** The user's name; `userInfo()` throws when the UID has no passwd entry, as in containers run with arbitrary UIDs. */
export function currentUser(lookup: () => string = () => userInfo().username): string {
  try {
    return lookup();
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? `uid:${process.getuid?.()}`;
  }
}
