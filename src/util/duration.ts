import { EscalatorError } from "./errors.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/**
 * Parses "500ms", "30s", "5m", "1h", "1d" and combinations such as "1m30s".
 * Returns milliseconds; throws DURATION_INVALID with a message saying what is valid.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === "") throw invalid(text);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const start = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (!match || match.index !== start) throw invalid(text);
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return Math.round(total);
}

function invalid(text: string): EscalatorError {
  return new EscalatorError(
    "DURATION_INVALID",
    `"${text}" is not a duration; use a number with a unit ms, s, m, h or d, e.g. 500ms, 30s, 5m, 1h30m`,
  );
}

/** Formats milliseconds for humans: 1500 → "1.5s", 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return [h ? `${h}h` : "", m ? `${m}m` : "", s ? `${s}s` : ""].join("") || "0s";
}
