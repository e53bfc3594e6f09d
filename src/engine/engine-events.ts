import type { EngineEvent } from "./control-types.js";

/** Fan-out of engine events to SSE clients and other listeners; a throwing listener is dropped. */
export class EngineEvents {
  private readonly listeners = new Set<(event: EngineEvent) => void>();

  emit(type: EngineEvent["type"], at: number, data: Record<string, unknown>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ type, at, data });
      } catch {
        this.listeners.delete(listener);
      }
    }
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
