import type { EngineEvent } from "./api-types.mjs";

const TYPES = ["state", "check", "escalation", "step", "page", "control"] as const;

export interface LiveHandlers {
  /** Connected (again): whatever happened while we were away is only in the API, so re-read it. */
  onOpen(): void;
  onEvent(event: EngineEvent): void;
  onDown(): void;
}

/**
 * Follows the daemon's event stream. EventSource retries by itself after a dropped connection;
 * when it gives up (the daemon answered with an error while restarting) we open a new one.
 */
export function connectLive(handlers: LiveHandlers): void {
  const open = () => {
    const source = new EventSource("/api/v1/events");
    source.onopen = () => handlers.onOpen();
    source.onerror = () => {
      handlers.onDown();
      if (source.readyState === EventSource.CLOSED) setTimeout(open, 2000);
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
