import type { Command } from "commander";
import { startEngine } from "../engine/engine.js";
import { openStore } from "../store/open-store.js";
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
SIGTERM or Ctrl-C: no new step starts, a running step may finish (up to its timeout).
A second signal kills the running step.

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
          logger.warn({ signal }, "stopping: a running step may finish; send the signal again to kill it");
          void engine.stop();
        } else {
          logger.warn({ signal }, "stopping now: killing the running step");
          void engine.stop({ force: true });
        }
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
      try {
        await engine.done;
        await engine.stop();
      } finally {
        await store.close();
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
      }
      logger.info("stopped");
      process.exitCode = EXIT.ok;
    });
}
