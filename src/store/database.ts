import type { Generated } from "kysely";
import type { CheckState } from "../config/schema.js";
import type { EngineStateName, EscalationStatus, StepStatus } from "./types.js";

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

/** The Kysely schema of the store. */
export interface Database {
  check_transitions: CheckTransitionsTable;
  check_status: CheckStatusTable;
  escalations: EscalationsTable;
  steps: StepsTable;
  engine_state: EngineStateTable;
  acks: AcksTable;
  notifications: NotificationsTable;
}
