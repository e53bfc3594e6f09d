import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { Logger } from "pino";
import type { EngineControl, EngineEvent } from "./types.js";

export interface EventStreamOptions {
  /** Comment lines keep proxies from closing an idle stream; 15 s by default. */
  heartbeatMs?: number;
  /** Events waiting for a client that does not read; beyond this the client is dropped. */
  maxQueued?: number;
  logger?: Logger;
}

/**
 * `GET /events`: Server-Sent Events, one `event: <type>` with the EngineEvent as JSON data per
 * engine event. Unsubscribes when the client goes away or falls too far behind.
 */
export function eventStreamRoute(control: EngineControl, options: EventStreamOptions = {}): Hono {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxQueued = options.maxQueued ?? 1000;
  const routes = new Hono();

  routes.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      const ended = new Promise<void>((resolve) => stream.onAbort(resolve));
      const signal = c.req.raw.signal;
      if (signal.aborted) stream.abort();
      else signal.addEventListener("abort", () => stream.abort(), { once: true });
      let queued = 0;
      let writing: Promise<unknown> = stream.write(": connected\n\n");
      const send = (event: EngineEvent) => {
        if (stream.aborted) return;
        if (queued >= maxQueued) {
          options.logger?.warn({ queued }, "event stream client too slow; dropping it");
          stream.abort();
          return;
        }
        queued += 1;
        writing = writing
          .then(() => stream.writeSSE({ event: event.type, data: JSON.stringify(event) }))
          // One event that cannot be sent (say, data JSON cannot encode) must not stop the stream.
          .catch((error: unknown) => options.logger?.warn({ err: error, type: event.type }, "event not sent"))
          .finally(() => {
            queued -= 1;
          });
      };
      const unsubscribe = control.subscribe(send);
      const heartbeat = setInterval(() => {
        if (queued > 0 || stream.aborted) return;
        writing = writing.then(() => stream.write(": heartbeat\n\n"));
      }, heartbeatMs);
      heartbeat.unref();
      try {
        await ended;
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    }),
  );

  return routes;
}
