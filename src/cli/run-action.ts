import { resolve } from "node:path";
import type { Command } from "commander";
import { type RunningEngine, startEngine } from "../engine/engine.js";
import { createApp } from "../server/create-app.js";
import { repoBrowser } from "../server/repo-browser.js";
import { type RunningServer, startServer } from "../server/start-server.js";
import { assertSafeListen, isLoopbackHost, parseListen } from "../server/tokens.js";
import { openStore } from "../store/open-store.js";
import { errorMessage } from "../util/errors.js";
import { configFor, EXIT } from "./command-context.js";
import { configTokens } from "./daemon-client.js";
import { createLogger } from "./logger.js";

export interface RunOptions {
  dryRun?: boolean;
  logLevel: string;
  listen?: string;
}

/** `escalator run`: the daemon, with its HTTP API, until a signal stops it. */
export async function runDaemon(options: RunOptions, command: Command): Promise<void> {
  const config = await configFor(command);
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
  // The repository the dashboard shows (repo:), opened on its first request.
  const repo =
    config.repo === undefined
      ? undefined
      : repoBrowser({
          root: resolve(config.dir, config.repo.root),
          ...(config.repo.url === undefined ? {} : { url: config.repo.url }),
        });
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
      ...(repo === undefined ? {} : { repo }),
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
    await repo?.close();
    await store.close();
    for (const name of signalNames) process.off(name, onSignal);
  }
  process.exitCode = crashed ? EXIT.failure : EXIT.ok;
  logger.info("stopped");
}
