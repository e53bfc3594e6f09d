import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { Logger } from "pino";
import { EscalatorError, errorMessage } from "../../util/errors.js";

export interface RunningRepoServer {
  address: string;
  /** The port bound (the real one when 0 was asked for). */
  port: number;
  /** The Node server (its timeouts, for tests and tuning). */
  http: Server;
  /** Stops listening and waits for requests in flight, up to graceMs (5 s by default). */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves the app on host:port and logs "repo listening" with the bound address and port. Node's
 * whole-request deadline (requestTimeout, 300 s) is off: a 1 GiB package over a slow link takes
 * longer, and the upload route aborts a body that stalls instead. headersTimeout (60 s) stays.
 */
export function startRepoServer(
  app: Hono,
  listen: { host: string; port: number },
  logger: Logger,
): Promise<RunningRepoServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: app.fetch,
        hostname: listen.host,
        port: listen.port,
        // headersTimeout defaults to min(60 s, requestTimeout), so it must be given with requestTimeout 0.
        serverOptions: { requestTimeout: 0, headersTimeout: 60_000 },
      },
      (info: AddressInfo) => {
        server.off("error", onListenError);
        server.on("error", (error) => logger.error({ err: error }, "HTTP server error"));
        logger.info({ address: info.address, port: info.port }, "repo listening");
        const http = server as Server;
        let closing: Promise<void> | undefined;
        resolve({
          address: info.address,
          port: info.port,
          http,
          close(graceMs = 5000) {
            closing ??= new Promise<void>((done) => {
              const deadline = setTimeout(() => http.closeAllConnections(), graceMs);
              http.close(() => {
                clearTimeout(deadline);
                done();
              });
              http.closeIdleConnections();
            });
            return closing;
          },
        });
      },
    );
    const onListenError = (error: Error) =>
      reject(
        new EscalatorError(
          "USAGE",
          `cannot listen on ${listen.host}:${listen.port}: ${errorMessage(error)}`,
          {
            cause: error,
          },
        ),
      );
    server.once("error", onListenError);
  });
}
