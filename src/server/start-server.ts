import type { Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { Logger } from "pino";
import { EscalatorError, errorMessage } from "../util/errors.js";

export interface StartServerOptions {
  app: Hono;
  listen: { host: string; port: number };
  logger: Logger;
  /** How long close() lets ordinary requests finish before cutting their connections; 5 s by default. */
  graceMs?: number;
}

export interface RunningServer {
  /** The address actually bound, e.g. "127.0.0.1" or "::1". */
  address: string;
  /** The port actually bound (the real one when 0 was asked for). */
  port: number;
  /** Stops listening, ends event streams at once and waits for other requests (up to graceMs). */
  close(): Promise<void>;
}

/** Ends the streaming responses (SSE) it wrapped, so they do not hold close() open. */
class StreamRegistry {
  readonly #ends = new Set<() => void>();

  wrap(response: Response): Response {
    const contentType = response.headers.get("content-type") ?? "";
    if (!response.body || !contentType.startsWith("text/event-stream")) return response;
    const reader = response.body.getReader();
    const ends = this.#ends;
    let end = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        end = () => {
          ends.delete(end);
          reader.cancel().catch(() => {});
          try {
            controller.close();
          } catch {}
        };
        ends.add(end);
      },
      async pull(controller) {
        const { done, value } = await reader.read();
        if (!done) return controller.enqueue(value);
        ends.delete(end);
        try {
          controller.close();
        } catch {}
      },
      cancel(reason) {
        ends.delete(end);
        return reader.cancel(reason);
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  endAll(): void {
    for (const end of [...this.#ends]) end();
  }
}

/**
 * Once closing has begun, ends every connection as soon as it has nothing left to answer:
 * idle ones (including those still sending a body that was refused) at once, busy ones when their
 * response finishes. Node's own closeIdleConnections misses both of the latter cases.
 */
function endConnectionsWhenDone(server: Server): () => void {
  const sockets = new Set<Socket>();
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const endAfter = (res: ServerResponse) => {
    // Node detaches the socket from the response on finish, so hold on to it now.
    const socket = res.socket;
    if (!res.headersSent) res.setHeader("Connection", "close");
    else if (res.writableFinished) socket?.destroySoon();
    else res.once("finish", () => socket?.destroySoon());
  };
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("request", (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    if (closing) endAfter(res);
  });
  return () => {
    closing = true;
    const busy = new Set<Socket | null>();
    for (const res of inFlight) {
      busy.add(res.socket);
      endAfter(res);
    }
    for (const socket of sockets) if (!busy.has(socket)) socket.destroySoon();
  };
}

/** Serves the app with @hono/node-server on host:port; resolves once listening. */
export function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { app, listen, logger } = options;
  const graceMs = options.graceMs ?? 5000;
  const streams = new StreamRegistry();
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: async (request, env) => streams.wrap(await app.fetch(request, env)),
        hostname: listen.host,
        port: listen.port,
      },
      (info: AddressInfo) => {
        server.off("error", onListenError);
        server.on("error", (error) => logger.error({ err: error }, "HTTP server error"));
        logger.info({ address: info.address, port: info.port }, "API listening");
        let closing: Promise<void> | undefined;
        const close = () => {
          closing ??= new Promise<void>((done) => {
            const deadline = setTimeout(() => http.closeAllConnections(), graceMs);
            http.close(() => {
              clearTimeout(deadline);
              logger.info({ address: info.address, port: info.port }, "API closed");
              done();
            });
            endConnections();
            streams.endAll();
          });
          return closing;
        };
        resolve({ address: info.address, port: info.port, close });
      },
    );
    // serve() makes a node:http server unless told otherwise (no createServer option here).
    const http = server as Server;
    const endConnections = endConnectionsWhenDone(http);
    const onListenError = (error: Error) => {
      reject(
        new EscalatorError(
          "USAGE",
          `cannot listen on ${listen.host}:${listen.port}: ${errorMessage(error)}`,
          {
            cause: error,
          },
        ),
      );
    };
    server.once("error", onListenError);
  });
}
