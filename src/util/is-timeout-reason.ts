/** True when an abort reason is the one `AbortSignal.timeout()` gives, rather than a caller's abort. */
export function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === "TimeoutError";
}
