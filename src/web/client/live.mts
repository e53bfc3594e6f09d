import type { EngineEvent } from "./api-types.mjs";

const TYPES = ["state", "check", "escalation", "step", "page", "control"] as const;

export interface LiveHandlers {
  /** Connected (again): whatever happened while we were away is only in the API, so re-read it. */
  onOpen(): void;
  onEvent(event: EngineEvent): void;
  onDown(): void;
}

/** The wait before the next new connection: doubling from 1 s to 30 s, with ±50 % jitter. */
export function reconnectDelay(failures: number, random = Math.random()): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, failures));
  return Math.round(base * (0.5 + random));
}

/**
 * Follows the daemon's event stream. EventSource retries by itself after a dropped connection;
 * when it gives up (the daemon answered with an error while restarting) we open a new one, waiting
 * longer after each failure (with jitter, so many pages do not all come back at once).
 */
export function connectLive(handlers: LiveHandlers): void {
  let failures = 0;
  const open = () => {
    const source = new EventSource("/api/v1/events");
    source.onopen = () => {
      failures = 0;
      handlers.onOpen();
    };
    source.onerror = () => {
      handlers.onDown();
      if (source.readyState === EventSource.CLOSED) setTimeout(open, reconnectDelay(failures++));
    };
    for (const type of TYPES) {
      source.addEventListener(type, (message) => {
        try {
          handlers.onEvent(JSON.parse((message as MessageEvent<string>).data) as EngineEvent);
        } catch {
          // A malformed event is skipped; the next re-read corrects the page.
        }
      });
    }
  };
  open();
}
