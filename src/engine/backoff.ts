/** Exponential backoff: initial × factor^(n-1), capped at max. `n` is 1-based. */
export function backoffDelay(n: number, policy: { initial: number; factor: number; max: number }): number {
  const delay = policy.initial * policy.factor ** Math.max(0, n - 1);
  return Math.min(delay, policy.max);
}
