import type { IntervalReport } from "./types.js";

/** Error kinds of stray failures: a promise rejected with no handler, an exception thrown from a callback. */
export const UNHANDLED_KIND = "unhandled";
export const UNCAUGHT_KIND = "uncaught";

/**
 * Counts failures no step awaited while a run lasts: a rejected promise nobody handled (kind
 * "unhandled") or an exception thrown from a timer or event callback (kind "uncaught"). Without
 * this either would end the process (or the worker thread) and the measurements with it.
 */
export class StrayFailures {
  readonly counts = new Map<string, number>();
  /** Not yet reported. */
  readonly pending = new Map<string, number>();
  readonly first = new Map<string, string>();
  #installed = false;
  readonly #onRejection = (reason: unknown) => this.#count(UNHANDLED_KIND, reason);
  readonly #onException = (error: unknown) => this.#count(UNCAUGHT_KIND, error);

  install(): void {
    if (this.#installed) return;
    this.#installed = true;
    process.on("unhandledRejection", this.#onRejection);
    process.on("uncaughtException", this.#onException);
  }

  remove(): void {
    if (!this.#installed) return;
    this.#installed = false;
    process.off("unhandledRejection", this.#onRejection);
    process.off("uncaughtException", this.#onException);
  }

  /** Adds the failures since the last report to this report's errors by kind. */
  addTo(report: IntervalReport): IntervalReport {
    for (const [kind, n] of this.pending) report.errorsByKind[kind] = (report.errorsByKind[kind] ?? 0) + n;
    this.pending.clear();
    return report;
  }

  warnings(worker: number, workers: number): string[] {
    const where = workers > 1 ? `worker ${worker}: ` : "";
    return [...this.counts].map(([kind, n]) => {
      const what = kind === UNHANDLED_KIND ? "unhandled promise rejection" : "uncaught exception";
      return `${where}${n} ${what}${n === 1 ? "" : "s"} (error kind "${kind}"), the first: ${this.first.get(kind)}`;
    });
  }

  #count(kind: string, reason: unknown): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    this.pending.set(kind, (this.pending.get(kind) ?? 0) + 1);
    if (!this.first.has(kind))
      this.first.set(kind, reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
  }
}
