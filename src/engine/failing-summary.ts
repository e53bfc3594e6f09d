import type { FailingCheck } from "./types.js";

/** What ESCALATOR_REASON, pages and the status detail carry about the failing checks. */
export interface FailingSummary {
  /** How many check instances are failing in all. */
  total: number;
  /** The failing checks, those about `target` first; cut short when `truncated`. */
  failing: FailingCheck[];
  truncated: boolean;
}

/** Environment values must stay well under the kernel's 128 KiB limit for one string. */
export const REASON_LIMIT_BYTES = 32 * 1024;

/**
 * Summarises failing checks within a byte budget, keeping the entries about `target` first so a
 * per-target step always sees why it runs, even when thousands of targets fail at once.
 */
export function summarizeFailing(
  failing: readonly FailingCheck[],
  options: { target?: string; limitBytes?: number } = {},
): FailingSummary {
  const limit = options.limitBytes ?? REASON_LIMIT_BYTES;
  const ordered =
    options.target === undefined
      ? [...failing]
      : [
          ...failing.filter((f) => f.target === options.target),
          ...failing.filter((f) => f.target !== options.target),
        ];
  const kept: FailingCheck[] = [];
  let size = 64;
  for (const entry of ordered) {
    const entrySize = Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (size + entrySize > limit) break;
    kept.push(entry);
    size += entrySize;
  }
  return { total: failing.length, failing: kept, truncated: kept.length < failing.length };
}
