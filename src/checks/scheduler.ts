import type { CheckConfig } from "../config/schema.js";
import type { CheckResult } from "./types.js";

/** One check for one target (or for the environment). */
export interface CheckInstance {
  /** "check" or "check@target" */
  key: string;
  check: CheckConfig;
  target?: string;
}

export interface SchedulerOptions {
  /** Runs one instance; must not throw (see runCheck). */
  run(instance: CheckInstance, signal: AbortSignal): Promise<CheckResult>;
  onResult(instance: CheckInstance, result: CheckResult): void;
  /** Most probes in flight at once, so 10,000 targets do not open 10,000 sockets together. */
  concurrency?: number;
}

interface Entry {
  instance: CheckInstance;
  timer?: NodeJS.Timeout;
  running: boolean;
}

/**
 * Runs every check instance every `every`, spreading first runs over one interval so
 * probes do not all fire together. Instances can be replaced while running (targets re-read).
 */
export class CheckScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: (() => void)[] = [];
  private inFlight = 0;
  private readonly concurrency: number;
  private readonly stopper = new AbortController();

  constructor(private readonly options: SchedulerOptions) {
    this.concurrency = options.concurrency ?? 256;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Replaces the set of instances: new ones are scheduled, gone ones stop, kept ones keep their rhythm. */
  setInstances(instances: readonly CheckInstance[]): void {
    const wanted = new Map(instances.map((i) => [i.key, i]));
    for (const [key, entry] of this.entries) {
      if (!wanted.has(key)) {
        clearTimeout(entry.timer);
        this.entries.delete(key);
      }
    }
    let position = 0;
    for (const instance of instances) {
      const existing = this.entries.get(instance.key);
      if (existing) {
        existing.instance = instance;
        continue;
      }
      const entry: Entry = { instance, running: false };
      this.entries.set(instance.key, entry);
      // Spread first runs evenly over one interval.
      const offset = (position++ / Math.max(1, instances.length)) * Math.min(instance.check.every, 10_000);
      this.schedule(entry, offset);
    }
  }

  /** Runs every current instance once, now, and waits for all results. */
  async runAllOnce(
    filter: (instance: CheckInstance) => boolean = () => true,
  ): Promise<Map<string, CheckResult>> {
    const results = new Map<string, CheckResult>();
    const entries = [...this.entries.values()].filter((e) => filter(e.instance));
    await Promise.all(
      entries.map(async (entry) => {
        const result = await this.execute(entry);
        if (result) results.set(entry.instance.key, result);
      }),
    );
    return results;
  }

  stop(): void {
    this.stopper.abort();
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
    for (const release of this.queue.splice(0)) release();
  }

  private schedule(entry: Entry, delay: number): void {
    if (this.stopper.signal.aborted) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(async () => {
      await this.execute(entry);
      if (this.entries.get(entry.instance.key) === entry) this.schedule(entry, entry.instance.check.every);
    }, delay);
    entry.timer.unref?.();
  }

  private async execute(entry: Entry): Promise<CheckResult | undefined> {
    await this.acquire();
    try {
      if (this.stopper.signal.aborted) return undefined;
      entry.running = true;
      const result = await this.options.run(entry.instance, this.stopper.signal);
      if (this.stopper.signal.aborted || this.entries.get(entry.instance.key) !== entry) return result;
      this.options.onResult(entry.instance, result);
      return result;
    } finally {
      entry.running = false;
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.queue.push(() => {
        this.inFlight++;
        resolve();
      }),
    );
  }

  private release(): void {
    this.inFlight--;
    this.queue.shift()?.();
  }
}

/** The instances of the configured checks over the current targets. */
export function checkInstances(
  checks: readonly CheckConfig[],
  targets: Readonly<Record<string, readonly string[]>>,
): CheckInstance[] {
  const instances: CheckInstance[] = [];
  for (const check of checks) {
    if (check.for_each === undefined) {
      instances.push({ key: check.name, check });
      continue;
    }
    for (const target of targets[check.for_each] ?? [])
      instances.push({ key: `${check.name}@${target}`, check, target });
  }
  return instances;
}
