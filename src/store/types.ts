import type { CheckState } from "../config/schema.js";
import type { ValueStore } from "./value-store-types.js";

export type { StoredMeasurement, ValueEvaluationRecord, ValueStore } from "./value-store-types.js";

export type EscalationStatus =
  | "running"
  | "succeeded"
  | "failed"
  | "stuck"
  | "interrupted"
  | "dry-run"
  | "blocked"
  | "rejected";
export type StepStatus = "running" | "succeeded" | "failed" | "timed-out" | "interrupted" | "skipped";
export type EngineStateName =
  | "converged"
  | "quiescing"
  | "escalating"
  | "verifying"
  | "backoff"
  | "stuck"
  | "paused"
  | "rate-limited"
  | "awaiting-approval";

export interface CheckTransitionRecord {
  environment: string;
  check: string;
  /** "" for environment-wide checks. */
  target: string;
  fromState: CheckState | null;
  toState: CheckState;
  /** Whether the check now counts as failing (after failures/successes thresholds). */
  failing: boolean;
  message: string;
  at: number;
}

export interface CheckStatusRecord {
  environment: string;
  check: string;
  target: string;
  state: CheckState;
  failing: boolean;
  message: string;
  /** JSON text of PerfDatum[] */
  perfdata: string;
  level: string;
  updatedAt: number;
}

export interface EscalationRecord {
  id: string;
  environment: string;
  status: EscalationStatus;
  /** Cycle number on this trigger, 1-based. */
  attempt: number;
  dryRun: boolean;
  /** JSON text: the failing checks that triggered it. */
  trigger: string;
  /** JSON text: the plan. */
  plan: string;
  startedAt: number;
  endedAt: number | null;
  outcome: string | null;
}

export interface StepRecord {
  id: number;
  escalationId: string;
  level: string;
  /** "" for environment-scoped steps. */
  target: string;
  attempt: number;
  /** "action" or "fallback" */
  role: "action" | "fallback";
  status: StepStatus;
  startedAt: number;
  endedAt: number | null;
  exitCode: number | null;
  /** Last 64 KiB of output. */
  output: string;
}

export interface EngineStateRecord {
  environment: string;
  state: EngineStateName;
  since: number;
  /** JSON text with state details (window end, stuck reason, next attempt time...). */
  detail: string;
  /** pid of the daemon that last wrote, and when: tells `status` whether a daemon is alive. */
  pid: number | null;
  heartbeatAt: number | null;
}

export interface AckRecord {
  id: number;
  environment: string;
  at: number;
  by: string;
  note: string;
  consumedAt: number | null;
}

export interface NotificationRecord {
  environment: string;
  escalationId: string | null;
  at: number;
  summary: string;
  /** JSON text of NotifyOutcome[] */
  outcomes: string;
}

export interface PruneCounts {
  escalations: number;
  steps: number;
  transitions: number;
  notifications: number;
  acks: number;
}

/**
 * Durable history, and the control state of `ControlStore`. Every method is async so a PostgreSQL
 * dialect can slot in later.
 */
export interface Store extends ControlStore, ValueStore {
  recordCheckTransition(t: CheckTransitionRecord): Promise<void>;
  upsertCheckStatus(s: CheckStatusRecord): Promise<void>;
  listCheckStatus(environment: string): Promise<CheckStatusRecord[]>;
  /** Forgets the current status of one check and target (the target left its group); no-op when absent. */
  removeCheckStatus(environment: string, check: string, target: string): Promise<void>;
  listCheckTransitions(
    environment: string,
    opts?: { limit?: number; check?: string },
  ): Promise<CheckTransitionRecord[]>;
  /**
   * Check transitions newest first with their ids, narrowed by check and target; `before` is the
   * id of the last row of the previous page (exclusive).
   */
  listCheckTransitionPage(
    environment: string,
    opts: { limit: number; check?: string; target?: string; before?: number },
  ): Promise<(CheckTransitionRecord & { id: number })[]>;

  createEscalation(e: Omit<EscalationRecord, "endedAt" | "outcome">): Promise<void>;
  finishEscalation(id: string, status: EscalationStatus, outcome: string, endedAt: number): Promise<void>;
  getEscalation(id: string): Promise<EscalationRecord | undefined>;
  /**
   * Newest first. `status` and `level` (a level in the plan) narrow the list; `before` is a start
   * time in ms (exclusive), for the next page.
   */
  listEscalations(
    environment: string,
    /**
     * `before` alone: exclusive on the start time. With `beforeId`, the two are the start time and
     * id of the last escalation shown (a compound cursor matching the order by start time, then id),
     * so escalations that started in the same millisecond are not skipped.
     */
    opts?: { limit?: number; status?: EscalationStatus; level?: string; before?: number; beforeId?: string },
  ): Promise<EscalationRecord[]>;

  startStep(s: Omit<StepRecord, "id" | "endedAt" | "exitCode" | "output" | "status">): Promise<number>;
  finishStep(
    id: number,
    s: { status: StepStatus; endedAt: number; exitCode: number | null; output: string },
  ): Promise<void>;
  /** In the order they ran. */
  listSteps(escalationId: string): Promise<StepRecord[]>;

  /**
   * Marks every escalation and step still "running" for this environment as "interrupted"
   * (called at daemon start after a crash). Returns the escalation ids it marked.
   */
  markInterrupted(environment: string, at: number): Promise<string[]>;

  setEngineState(s: EngineStateRecord): Promise<void>;
  getEngineState(environment: string): Promise<EngineStateRecord | undefined>;

  addAck(environment: string, by: string, note: string, at: number): Promise<number>;
  /** Returns unconsumed acks and marks them consumed. */
  consumeAcks(environment: string, at: number): Promise<AckRecord[]>;

  recordNotification(n: NotificationRecord): Promise<void>;
  listNotifications(environment: string, opts?: { limit?: number }): Promise<NotificationRecord[]>;

  /**
   * Deletes finished escalations (with their steps and approvals), transitions, notifications,
   * used acks, resolved alert states and expired silences older than `before`.
   */
  pruneHistory(environment: string, before: number): Promise<PruneCounts>;

  close(): Promise<void>;
}

export interface PauseRecord {
  environment: string;
  by: string;
  reason: string;
  since: number;
  /** null: until someone resumes. */
  until: number | null;
}

export interface SilenceRecord {
  id: number;
  environment: string;
  check: string;
  /** "" silences the check on every target. */
  target: string;
  by: string;
  reason: string;
  since: number;
  until: number;
}

export type ApprovalDecision = "pending" | "approved" | "rejected";

export interface ApprovalRecord {
  escalationId: string;
  level: string;
  decision: ApprovalDecision;
  requestedAt: number;
  decidedAt: number | null;
  by: string | null;
  reason: string | null;
}

export interface AlertStateRecord {
  environment: string;
  fingerprint: string;
  /** The route's check name, e.g. alert:NodeDown. */
  check: string;
  target: string;
  status: "firing" | "resolved";
  /** JSON text of the alert's labels. */
  labels: string;
  summary: string;
  startsAt: string;
  updatedAt: number;
}

/** Pauses, silences, approvals and alert states: what operators and Alertmanager tell the engine. */
export interface ControlStore {
  setPause(p: PauseRecord): Promise<void>;
  clearPause(environment: string): Promise<void>;
  getPause(environment: string): Promise<PauseRecord | undefined>;

  addSilence(s: Omit<SilenceRecord, "id">): Promise<number>;
  /** Silences whose window contains `at`. */
  listActiveSilences(environment: string, at: number): Promise<SilenceRecord[]>;
  removeSilence(environment: string, id: number): Promise<boolean>;

  /** Creates a pending approval, or returns the existing one for this escalation and level. */
  requestApproval(a: { escalationId: string; level: string; requestedAt: number }): Promise<ApprovalRecord>;
  /** Decides a pending approval; returns undefined when none is pending for the escalation. */
  decideApproval(
    escalationId: string,
    decision: "approved" | "rejected",
    by: string,
    reason: string,
    at: number,
  ): Promise<ApprovalRecord | undefined>;
  getApproval(escalationId: string, level: string): Promise<ApprovalRecord | undefined>;
  listPendingApprovals(environment: string): Promise<(ApprovalRecord & { environment: string })[]>;

  /** Inserts or updates by (environment, fingerprint); returns whether anything changed. */
  upsertAlertState(a: AlertStateRecord): Promise<boolean>;
  listFiringAlerts(environment: string): Promise<AlertStateRecord[]>;
}
