import type { Generated } from "kysely";
import type { CheckState } from "../config/schema.js";
import type {
  AlertStateRecord,
  ApprovalDecision,
  EngineStateName,
  EscalationStatus,
  StepStatus,
} from "./types.js";

// Column conventions, kept portable across dialects:
// - timestamps are integer epoch milliseconds (bigint columns);
// - booleans are integers 0/1;
// - JSON is text.
// Names that are SQL keywords (check, by, trigger) get a suffix so hand-written queries stay easy.

export interface CheckTransitionsTable {
  id: Generated<number>;
  environment: string;
  check_name: string;
  /** "" for environment-wide checks. */
  target: string;
  from_state: CheckState | null;
  to_state: CheckState;
  failing: number;
  message: string;
  at: number;
}

export interface CheckStatusTable {
  environment: string;
  check_name: string;
  target: string;
  state: CheckState;
  failing: number;
  message: string;
  perfdata: string;
  level: string;
  updated_at: number;
}

export interface EscalationsTable {
  id: string;
  environment: string;
  status: EscalationStatus;
  attempt: number;
  dry_run: number;
  trigger_checks: string;
  plan: string;
  started_at: number;
  ended_at: number | null;
  outcome: string | null;
}

export interface StepsTable {
  id: Generated<number>;
  escalation_id: string;
  level: string;
  target: string;
  attempt: number;
  role: "action" | "fallback";
  status: StepStatus;
  started_at: number;
  ended_at: number | null;
  exit_code: number | null;
  output: string;
}

export interface EngineStateTable {
  environment: string;
  state: EngineStateName;
  since: number;
  detail: string;
  pid: number | null;
  heartbeat_at: number | null;
}

export interface AcksTable {
  id: Generated<number>;
  environment: string;
  at: number;
  acked_by: string;
  note: string;
  consumed_at: number | null;
}

export interface NotificationsTable {
  id: Generated<number>;
  environment: string;
  escalation_id: string | null;
  at: number;
  summary: string;
  outcomes: string;
}

export interface PausesTable {
  environment: string;
  paused_by: string;
  reason: string;
  since: number;
  /** null: until someone resumes. */
  until_at: number | null;
}

export interface SilencesTable {
  id: Generated<number>;
  environment: string;
  check_name: string;
  /** "" silences the check on every target. */
  target: string;
  silenced_by: string;
  reason: string;
  since: number;
  /** Exclusive end of the window. */
  until_at: number;
}

export interface ApprovalsTable {
  escalation_id: string;
  level: string;
  decision: ApprovalDecision;
  requested_at: number;
  decided_at: number | null;
  decided_by: string | null;
  reason: string | null;
}

export interface AlertStatesTable {
  environment: string;
  fingerprint: string;
  check_name: string;
  target: string;
  status: AlertStateRecord["status"];
  /** JSON text. */
  labels: string;
  summary: string;
  /** Alertmanager's RFC 3339 text, kept as sent. */
  starts_at: string;
  updated_at: number;
}

/** The Kysely schema of the store. */
export interface ValueEvaluationsTable {
  id: Generated<number>;
  environment: string;
  feature_uri: string;
  feature_name: string;
  statement: string;
  /** The metric's defined name (not the phrase as written). */
  metric: string;
  release: string;
  evaluated_at: number;
  since: number;
  until_at: number;
  verdict: string;
  verdict_case: string;
  baseline_release: string | null;
  /** JSON Measurement, or null when nothing was measured (not executable, source failed). */
  measurement: string | null;
  /** JSON of the whole verdict as shown. */
  result: string;
}

export interface Database {
  check_transitions: CheckTransitionsTable;
  check_status: CheckStatusTable;
  escalations: EscalationsTable;
  steps: StepsTable;
  engine_state: EngineStateTable;
  acks: AcksTable;
  notifications: NotificationsTable;
  pauses: PausesTable;
  silences: SilencesTable;
  approvals: ApprovalsTable;
  alert_states: AlertStatesTable;
  value_evaluations: ValueEvaluationsTable;
}
