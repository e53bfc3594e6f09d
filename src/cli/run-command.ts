import type { Command } from "commander";
import { type RunningEngine, startEngine } from "../engine/engine.js";
import { createApp } from "../server/create-app.js";
import { type RunningServer, startServer } from "../server/start-server.js";
import { assertSafeListen, isLoopbackHost, parseListen } from "../server/tokens.js";
import { openStore } from "../store/open-store.js";
import { errorMessage } from "../util/errors.js";
import { configFor, EXIT } from "./command-context.js";
import { configTokens } from "./daemon-client.js";
import { createLogger } from "./logger.js";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run the daemon: observe checks, quiesce, escalate, verify, page when stuck")
    .option("--dry-run", "record plans but run no action")
    .option("--log-level <level>", "trace, debug, info, warn, error", "info")
    .option(
      "--listen <host:port>",
      "where the HTTP API listens (default: listen: in the config, 127.0.0.1:8470); port 0 picks a free one",
    )
    .addHelpText(
      "after",
      `
Logs are JSON lines (pino); on a terminal they are printed readably.
SIGTERM, SIGHUP or Ctrl-C: no new step starts, a running step may finish (up to its timeout).
A second signal kills the running step; a third exits at once.
Under systemd use KillMode=mixed and TimeoutStopSec at least your longest step timeout,
so the stop signal reaches the daemon and not the running step's processes.
Only one daemon may run an environment (a lock file beside the history database).
The HTTP API (status, checks, escalations, pause, resume, silences, approve, reject, ack,
Alertmanager intake, SSE events, /metrics) listens on --listen; changes need a bearer token
from api.token_file or $ESCALATOR_API_TOKEN. A non-loopback address without a token is refused.

Examples:
  escalator run
  escalator -c /etc/escalator/shop.yaml run --dry-run
  escalator run | tee -a escalator.log
  ESCALATOR_API_TOKEN=s3cret escalator run --listen 0.0.0.0:8470`,
    )
    .action(async (options: { dryRun?: boolean; logLevel: string; listen?: string }, command: Command) => {
      const config = configFor(command);
      const logger = createLogger({ level: options.logLevel });
      const listen = options.listen ?? config.listen;
      const tokens = configTokens(config);
      // Refused before anything starts: an open control API on a network address.
      assertSafeListen(listen, tokens);

      // Signals are handled from the start: one that arrives while starting up stops cleanly after.
      let engine: RunningEngine | undefined;
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          logger.warn(
            { signal },
            "stopping: a running step may finish (up to its timeout); send the signal again to kill it",
          );
          void engine?.stop();
        } else if (signals === 2) {
          logger.warn({ signal }, "stopping now: killing the running step; a third signal exits at once");
          void engine?.stop({ force: true });
        } else {
          logger.error({ signal }, "exiting without waiting");
          process.exit(130);
        }
      };
      const signalNames: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];
      for (const name of signalNames) process.on(name, onSignal);

      const store = await openStore(config.storeUrl, { baseDir: config.dir });
      let server: RunningServer | undefined;
      let crashed = false;
      try {
        const publicUrl = config.api.public_url ?? `http://${listen}`;
        engine = await startEngine({ config, store, logger, dryRun: options.dryRun ?? false, publicUrl });
        const { host } = parseListen(listen);
        // On loopback, answer only to loopback names: a web page cannot reach us by DNS rebinding.
        const allowedHosts = isLoopbackHost(host)
          ? [
              "localhost",
              "127.0.0.1",
              "::1",
              host,
              ...(config.api.public_url ? [new URL(config.api.public_url).hostname] : []),
            ]
          : undefined;
        const app = createApp({
          control: engine.control,
          tokens,
          logger,
          maxBodyBytes: config.api.max_body,
          publicUrl,
          allowedHosts,
        });
        server = await startServer({ app, listen: parseListen(listen), logger });
        if (signals > 0) void engine.stop();
        await engine.done.catch((error: unknown) => {
          crashed = true;
          logger.error({ err: errorMessage(error) }, "the engine stopped with an error");
        });
      } finally {
        await engine?.stop({ force: server === undefined });
        await server?.close();
        await store.close();
        for (const name of signalNames) process.off(name, onSignal);
      }
      process.exitCode = crashed ? EXIT.failure : EXIT.ok;
      logger.info("stopped");
    });
}
