import type {
  CheckStatusRecord,
  CheckTransitionRecord,
  EngineStateName,
  EscalationRecord,
  EscalationStatus,
  PauseRecord,
  SilenceRecord,
  StepRecord,
  ValueEvaluationRecord,
} from "../store/types.js";
import type { AlertIntakeResult, IncomingAlert } from "./alerts.js";

/** What `GET /api/v1/status` returns and `escalator status` prints. */
export interface StatusView {
  environment: string;
  state: EngineStateName | "awaiting-approval";
  since: number;
  detail: Record<string, unknown>;
  daemon: { pid: number; startedAt: number };
  paused: PauseRecord | null;
  /** The open maintenance window, if any. */
  maintenance: { reason: string; until: number | null } | null;
  silences: SilenceRecord[];
  rateLimit: { max: number; perMs: number; used: number; nextAllowedAt: number | null };
  guard: Record<string, { targets: number; failing: number; limit: number; tripped: boolean }>;
  flapping: string[];
  awaitingApproval: { escalationId: string; level: string; since: number } | null;
  checks: { total: number; failing: number };
}

/** An event on the SSE stream `GET /api/v1/events`. */
export interface EngineEvent {
  type: "state" | "check" | "escalation" | "step" | "page" | "control";
  at: number;
  data: Record<string, unknown>;
}

/** One rung of the ladder as `GET /api/v1/ladder` shows it, most drastic first. */
export interface LadderLevelView {
  name: string;
  description: string;
  /** Target group the level runs once per target for; null for environment-wide levels. */
  forEach: string | null;
  /** Waits for a human's approval before it runs. */
  approve: boolean;
  /** No further action for this long after the level ran; null when none. */
  quiescenceMs: number | null;
  timeoutMs: number | null;
  retries: number;
  /** Whether the level has a fallback (run by re-convergence cycles). */
  fallback: boolean;
}

/** Filters of `GET /api/v1/escalations`; `before` pages by start time (exclusive, ms). */
export interface EscalationFilter {
  outcome?: EscalationStatus;
  level?: string;
  /** Start time of the last escalation shown; exclusive alone, a compound cursor with `beforeId`. */
  before?: number;
  beforeId?: string;
}

/** Filters of `GET /api/v1/transitions`; `before` pages by transition id (exclusive). */
export interface TransitionFilter {
  check?: string;
  target?: string;
  limit: number;
  before?: number;
}

/** A check transition with its id, the cursor for the next page. */
export interface TransitionView extends CheckTransitionRecord {
  id: number;
}

/** A value verdict as `GET /api/v1/verdicts` shows it: the stored samples are left out, counted. */
export interface VerdictView extends Omit<ValueEvaluationRecord, "measurement"> {
  measurement: { value: number; exposure?: number; samplesCount?: number } | null;
}

/** Which optional pages the dashboard shows: those whose feature this environment configures. */
export interface DashboardFeatures {
  /** Value verdicts: the config has `values:` or a `value` check. */
  verdicts: boolean;
}

export type ControlOutcome =
  | { ok: true; message: string }
  | { ok: false; status: 400 | 404 | 409; error: string };

/**
 * The running engine as the HTTP API sees it. The daemon implements it; tests use a fake.
 * Every method that changes something records who did it.
 */
export interface EngineControl {
  readonly environment: string;
  readonly features: DashboardFeatures;
  status(): Promise<StatusView>;
  checks(): Promise<CheckStatusRecord[]>;
  /** Newest first; the filter narrows by outcome (status), planned level and start time. */
  escalations(limit: number, filter?: EscalationFilter): Promise<EscalationRecord[]>;
  /** Check transitions, newest first. */
  transitions(filter: TransitionFilter): Promise<TransitionView[]>;
  /** The ladder, most drastic level first. */
  ladder(): LadderLevelView[];
  /** Value verdicts, newest first, optionally of one release. */
  verdicts(filter: { release?: string; limit: number }): Promise<VerdictView[]>;
  escalation(id: string): Promise<{ escalation: EscalationRecord; steps: StepRecord[] } | undefined>;
  pause(request: { by: string; reason: string; forMs?: number }): Promise<ControlOutcome>;
  resume(request: { by: string }): Promise<ControlOutcome>;
  silence(request: {
    check: string;
    target?: string;
    forMs: number;
    reason: string;
    by: string;
  }): Promise<ControlOutcome>;
  approve(escalationId: string, by: string): Promise<ControlOutcome>;
  reject(escalationId: string, by: string, reason: string): Promise<ControlOutcome>;
  ack(by: string, note: string): Promise<ControlOutcome>;
  ingestAlerts(alerts: IncomingAlert[]): Promise<AlertIntakeResult>;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Prometheus exposition text. */
  metrics(): Promise<{ contentType: string; body: string }>;
}
