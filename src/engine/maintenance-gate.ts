import { Cron } from "croner";
import type { MaintenanceWindowConfig } from "../config/schema.js";
import type { PauseRecord } from "../store/types.js";

export interface Gate {
  reason: string;
  /** null: until someone resumes. */
  until: number | null;
}

/**
 * Why nothing may escalate now: an operator's pause, or a scheduled maintenance window
 * (a cron expression opening a window of `duration`). Pure over the time it is asked about.
 */
export class MaintenanceGate {
  private pause: PauseRecord | undefined;
  private readonly windows: { cron: Cron; config: MaintenanceWindowConfig }[];

  constructor(windows: readonly MaintenanceWindowConfig[]) {
    this.windows = windows.map((config) => ({
      cron: new Cron(config.cron, {
        paused: true,
        ...(config.timezone ? { timezone: config.timezone } : {}),
      }),
      config,
    }));
  }

  setPause(pause: PauseRecord | undefined): void {
    this.pause = pause;
  }

  get currentPause(): PauseRecord | undefined {
    return this.pause;
  }

  /** The open maintenance window at `now`, if any. */
  window(now: number): Gate | undefined {
    for (const { cron, config } of this.windows) {
      const opened = cron.previousRuns(1, new Date(now))[0];
      if (opened && opened.getTime() + config.duration > now) {
        return { reason: `maintenance window: ${config.reason}`, until: opened.getTime() + config.duration };
      }
    }
    return undefined;
  }

  current(now: number): Gate | undefined {
    const pause = this.pause;
    if (pause && (pause.until === null || pause.until > now)) {
      return {
        reason: `paused by ${pause.by}${pause.reason ? `: ${pause.reason}` : ""}`,
        until: pause.until,
      };
    }
    return this.window(now);
  }
}
