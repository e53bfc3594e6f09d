import type { EngineStateName, Store } from "../store/types.js";
import type { Clock } from "../util/clock.js";

export interface EngineStateSnapshot {
  state: EngineStateName;
  since: number;
  detail: Record<string, unknown>;
}

/**
 * The controller's current state, and its record in the store for `escalator status` (with the
 * daemon's pid and a heartbeat while it runs, without them once it stopped).
 */
export class EngineStateTracker {
  current: EngineStateSnapshot;

  constructor(
    private readonly store: Pick<Store, "setEngineState">,
    private readonly environment: string,
    private readonly clock: Clock,
    /** Extra detail written with every record (dry run, instance count). */
    private readonly extra: () => Record<string, unknown>,
  ) {
    this.current = { state: "converged", since: clock.now(), detail: {} };
  }

  enter(state: EngineStateName, detail: Record<string, unknown>): void {
    if (state !== this.current.state) this.current = { state, since: this.clock.now(), detail };
    else this.current.detail = detail;
  }

  write(options: { stopped?: boolean } = {}): Promise<void> {
    const { state, since, detail } = this.current;
    return this.store.setEngineState({
      environment: this.environment,
      state,
      since,
      detail: JSON.stringify({ ...detail, ...this.extra(), ...(options.stopped ? { stopped: true } : {}) }),
      pid: options.stopped ? null : process.pid,
      heartbeatAt: this.clock.now(),
    });
  }
}
