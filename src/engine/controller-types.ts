import type { Logger } from "pino";
import type { Notification } from "../actions/types.js";
import type { BackoffConfig, GuardConfig, LevelConfig } from "../config/schema.js";
import type { EngineStateName, EscalationStatus } from "../store/types.js";
import type { Clock } from "../util/clock.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { FailingCheck, Plan } from "./types.js";

/** One level run for one target (or once), as the controller asks the step runner. */
export interface StepRequest {
  escalationId: string;
  level: LevelConfig;
  target?: string;
  /** Escalation cycle on this trigger, 1-based. */
  cycle: number;
  /** Run the level's fallback instead of its action (a re-convergence cycle). */
  useFallback: boolean;
  /** JSON text describing the failing checks. */
  reason: string;
}

export interface StepOutcome {
  ok: boolean;
  /** For humans: what happened, e.g. "exit 1 after 3 attempts; fallback exit 0". */
  summary: string;
}

export interface StepSignals {
  stop: AbortSignal;
  kill: AbortSignal;
}

/** Everything the controller needs from the outside world. */
export interface ControllerDeps {
  environment: string;
  clock: Clock;
  logger: Logger;
  /** Most drastic first. */
  levels: readonly LevelConfig[];
  quiescenceMs: number;
  maxAttempts: number;
  cycleBackoff: BackoffConfig;
  dryRun: boolean;
  /** Check instances that count as failing right now. */
  currentFailing(): FailingCheck[];
  currentTargets(): Record<string, readonly string[]>;
  /** Re-runs every check at once and returns what still fails. */
  verify(signal: AbortSignal): Promise<FailingCheck[]>;
  /**
   * Runs one step with its retries and fallback. `stop` means start no new attempt;
   * `kill` means abort the running one.
   */
  runStep(request: StepRequest, signals: StepSignals): Promise<StepOutcome>;
  journal: EscalationJournal;
  page(notification: Notification): Promise<void>;
  /** Persists the controller's state for `escalator status`. */
  onState(state: EngineStateName, detail: Record<string, unknown>): void;
  newEscalationId(): string;
  /** Why nothing may escalate right now (paused, a maintenance window), or undefined. */
  gate(): { reason: string; until: number | null } | undefined;
  /** At most N escalations per window; undefined means no limit (tests). */
  rateLimiter?: RateLimiter;
  /** The blast-radius guard of a target group. */
  guardFor(group: string): GuardConfig;
  /**
   * Waits for a human to approve a level marked `approve: true`. Resolves "approved",
   * "rejected" (with who and why) or "stopped" when the daemon stops meanwhile.
   */
  awaitApproval(
    request: { escalationId: string; level: LevelConfig; plan: Plan; revision: number },
    signal: AbortSignal,
  ): Promise<
    | { decision: "approved" }
    | { decision: "rejected"; by: string; reason: string }
    | { decision: "stopped" }
    /** The failures the level answers are gone: nothing to approve any more. */
    | { decision: "withdrawn" }
  >;
}

/** Where escalations are recorded. */
export interface EscalationJournal {
  start(e: { id: string; attempt: number; plan: Plan; dryRun: boolean; startedAt: number }): Promise<void>;
  finish(id: string, status: EscalationStatus, outcome: string, endedAt: number): Promise<void>;
}
