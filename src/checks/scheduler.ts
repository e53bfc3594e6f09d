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
  /** Told when `run` or `onResult` throws; the instance keeps its rhythm either way. */
  onError?(instance: CheckInstance, error: unknown): void;
  /** Most probes in flight at once, so 10,000 targets do not open 10,000 sockets together. */
  concurrency?: number;
}

/** One probe of one instance, queued or running. */
interface Probe {
  /** Order in which probes were created; tells runAllOnce whether a probe began after it was asked. */
  sequence: number;
  done: Promise<CheckResult | undefined>;
}

interface Entry {
  instance: CheckInstance;
  timer?: NodeJS.Timeout;
  /** The probe in flight; an instance never has two. */
  probe?: Probe;
}

/**
 * Runs every check instance every `every`, spreading first runs over one interval so
 * probes do not all fire together. Instances can be replaced while running (targets re-read).
 * An instance is never probed twice at once.
 */
export class CheckScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: (() => void)[] = [];
  private inFlight = 0;
  private sequence = 0;
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
      const entry: Entry = { instance };
      this.entries.set(instance.key, entry);
      // Spread first runs evenly over one interval.
      const offset = (position++ / Math.max(1, instances.length)) * Math.min(instance.check.every, 10_000);
      this.schedule(entry, offset);
    }
  }

  /**
   * Runs every current instance (that passes `filter`) once and waits for the results. Each result
   * comes from a probe that began after this call: a probe already in flight is waited for, then a
   * fresh one runs. Aborting `signal` resolves at once with the results that had arrived.
   */
  async runAllOnce(
    filter: (instance: CheckInstance) => boolean = () => true,
    signal?: AbortSignal,
  ): Promise<Map<string, CheckResult>> {
    const results = new Map<string, CheckResult>();
    const asked = this.sequence;
    const entries = [...this.entries.values()].filter((e) => filter(e.instance));
    await Promise.all(
      entries.map(async (entry) => {
        const result = await this.freshResult(entry, asked, signal);
        if (result && !signal?.aborted && !this.stopper.signal.aborted)
          results.set(entry.instance.key, result);
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
    entry.timer = setTimeout(() => void this.tick(entry), delay);
    entry.timer.unref?.();
  }

  /** A timer run: skipped while a probe of this instance is in flight; always reschedules. */
  private async tick(entry: Entry): Promise<void> {
    try {
      if (entry.probe === undefined) await this.start(entry).done;
    } catch (error) {
      this.report(entry.instance, error);
    } finally {
      if (this.entries.get(entry.instance.key) === entry) this.schedule(entry, entry.instance.check.every);
    }
  }

  private async freshResult(
    entry: Entry,
    asked: number,
    signal: AbortSignal | undefined,
  ): Promise<CheckResult | undefined> {
    for (;;) {
      if (signal?.aborted || this.stopper.signal.aborted) return undefined;
      if (this.entries.get(entry.instance.key) !== entry) return undefined;
      const probe = entry.probe ?? this.start(entry);
      const result = await untilAborted(probe.done, [this.stopper.signal, ...(signal ? [signal] : [])]);
      if (probe.sequence > asked) return result;
    }
  }

  private start(entry: Entry): Probe {
    const probe: Probe = { sequence: ++this.sequence, done: this.execute(entry) };
    entry.probe = probe;
    void probe.done.finally(() => {
      if (entry.probe === probe) entry.probe = undefined;
    });
    return probe;
  }

  /** Never rejects: errors from `run` or `onResult` go to onError. */
  private async execute(entry: Entry): Promise<CheckResult | undefined> {
    await this.acquire();
    try {
      if (this.stopper.signal.aborted) return undefined;
      const result = await this.options.run(entry.instance, this.stopper.signal);
      if (this.stopper.signal.aborted || this.entries.get(entry.instance.key) !== entry) return result;
      try {
        this.options.onResult(entry.instance, result);
      } catch (error) {
        this.report(entry.instance, error);
      }
      return result;
    } catch (error) {
      this.report(entry.instance, error);
      return undefined;
    } finally {
      this.release();
    }
  }

  private report(instance: CheckInstance, error: unknown): void {
    try {
      this.options.onError?.(instance, error);
    } catch {
      // A failing error handler must not stop the schedule either.
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

/** `promise`, or undefined as soon as one of `signals` aborts. */
function untilAborted<T>(promise: Promise<T>, signals: readonly AbortSignal[]): Promise<T | undefined> {
  if (signals.some((s) => s.aborted)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = () => {
      for (const s of signals) s.removeEventListener("abort", onAbort);
      resolve(undefined);
    };
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
    void promise.then((value) => {
      for (const s of signals) s.removeEventListener("abort", onAbort);
      resolve(value);
    });
  });
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
