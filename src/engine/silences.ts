import type { SilenceRecord, Store } from "../store/types.js";

/** The active silences, re-read from the store so `escalator silence` without a daemon API works too. */
export class Silences {
  private active: SilenceRecord[] = [];

  constructor(
    private readonly store: Pick<Store, "listActiveSilences">,
    private readonly environment: string,
  ) {}

  async refresh(now: number): Promise<void> {
    this.active = await this.store.listActiveSilences(this.environment, now);
  }

  list(now: number): SilenceRecord[] {
    return this.active.filter((s) => s.since <= now && now < s.until);
  }

  /** A silence without a target covers the check on every target. */
  covers(check: string, target: string, now: number): boolean {
    return this.list(now).some((s) => s.check === check && (s.target === "" || s.target === target));
  }
}
