import type { Command } from "commander";
import { startEngine } from "../engine/engine.js";
import { openStore } from "../store/open-store.js";
import { errorMessage } from "../util/errors.js";
import { configFor, EXIT } from "./command-context.js";
import { createLogger } from "./logger.js";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run the daemon: observe checks, quiesce, escalate, verify, page when stuck")
    .option("--dry-run", "record plans but run no action")
    .option("--log-level <level>", "trace, debug, info, warn, error", "info")
    .addHelpText(
      "after",
      `
Logs are JSON lines (pino); on a terminal they are printed readably.
SIGTERM, SIGHUP or Ctrl-C: no new step starts, a running step may finish (up to its timeout).
A second signal kills the running step; a third exits at once.
Under systemd use KillMode=mixed and TimeoutStopSec at least your longest step timeout,
so the stop signal reaches the daemon and not the running step's processes.
Only one daemon may run an environment (a lock file beside the history database).

Examples:
  escalator run
  escalator -c /etc/escalator/shop.yaml run --dry-run
  escalator run | tee -a escalator.log`,
    )
    .action(async (options: { dryRun?: boolean; logLevel: string }, command: Command) => {
      const config = configFor(command);
      const logger = createLogger({ level: options.logLevel });
      const store = await openStore(config.storeUrl, { baseDir: config.dir });
      const engine = await startEngine({ config, store, logger, dryRun: options.dryRun ?? false });
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          logger.warn(
            { signal },
            "stopping: a running step may finish (up to its timeout); send the signal again to kill it",
          );
          void engine.stop();
        } else if (signals === 2) {
          logger.warn({ signal }, "stopping now: killing the running step; a third signal exits at once");
          void engine.stop({ force: true });
        } else {
          logger.error({ signal }, "exiting without waiting");
          process.exit(130);
        }
      };
      const signalNames: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];
      for (const name of signalNames) process.on(name, onSignal);
      let crashed = false;
      try {
        await engine.done.catch((error: unknown) => {
          crashed = true;
          logger.error({ err: errorMessage(error) }, "the engine stopped with an error");
        });
        await engine.stop();
      } finally {
        await store.close();
        for (const name of signalNames) process.off(name, onSignal);
      }
      process.exitCode = crashed ? EXIT.failure : EXIT.ok;
      logger.info("stopped");
    });
}
