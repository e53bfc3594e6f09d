// The shapes the dashboard reads from the daemon's API (see src/engine/control-types.ts and
// src/store/types.ts, the server's side of the same contract).

export type CheckState = "OK" | "WARNING" | "CRITICAL" | "UNKNOWN";

export interface Status {
  environment: string;
  state: string;
  since: number;
  detail: Record<string, unknown>;
  daemon: { pid: number; startedAt: number };
  paused: { by: string; reason: string; since: number; until: number | null } | null;
  maintenance: { reason: string; until: number | null } | null;
  silences: { id: number; check: string; target: string; by: string; reason: string; until: number }[];
  rateLimit: { max: number; perMs: number; used: number; nextAllowedAt: number | null };
  guard: Record<string, { targets: number; failing: number; limit: number; tripped: boolean }>;
  flapping: string[];
  awaitingApproval: { escalationId: string; level: string; since: number } | null;
  checks: { total: number; failing: number };
}

export interface CheckStatus {
  check: string;
  target: string;
  state: CheckState;
  failing: boolean;
  message: string;
  level: string;
  updatedAt: number;
}

export interface Level {
  name: string;
  description: string;
  forEach: string | null;
  approve: boolean;
  quiescenceMs: number | null;
  timeoutMs: number | null;
  retries: number;
  fallback: boolean;
}

export interface Escalation {
  id: string;
  status: string;
  attempt: number;
  dryRun: boolean;
  /** JSON text of FailingCheck[] */
  trigger: string;
  /** JSON text of { levels: PlannedLevel[], notes: string[] } */
  plan: string;
  startedAt: number;
  endedAt: number | null;
  outcome: string | null;
}

export interface Step {
  id: number;
  escalationId: string;
  level: string;
  target: string;
  attempt: number;
  role: "action" | "fallback";
  status: string;
  startedAt: number;
  endedAt: number | null;
  exitCode: number | null;
  output: string;
}

export interface EscalationDetail {
  escalation: Escalation;
  steps: Step[];
}

export interface Transition {
  id: number;
  check: string;
  target: string;
  fromState: CheckState | null;
  toState: CheckState;
  failing: boolean;
  message: string;
  at: number;
}

export interface PlannedLevel {
  level: string;
  index: number;
  scope: "environment" | "targets";
  group?: string;
  targets: string[];
  because: string;
}

export interface FailingCheck {
  check: string;
  target?: string;
  level: string;
  state: CheckState;
  message: string;
}

export interface EngineEvent {
  type: "state" | "check" | "escalation" | "step" | "page" | "control";
  at: number;
  data: Record<string, unknown>;
}

/** A value verdict: a feature's "In order to ..." line judged for one release. */
export interface Verdict {
  id: number;
  featureUri: string;
  featureName: string;
  statement: string;
  metric: string;
  release: string;
  evaluatedAt: number;
  since: number;
  until: number;
  verdict: string;
  verdictCase: string;
  baselineRelease: string | null;
  measurement: { value: number; exposure?: number; samplesCount?: number } | null;
}

/** A frozen tag of the Yumtags repository (GET /api/v1/repo/tags), with the channels on it now. */
export interface RepoTag {
  name: string;
  packages: number;
  url: string;
  /** ISO time */
  createdAt: string;
  signed: boolean;
  channels: string[];
}

/** A channel: its current tag and its promotions, newest first. */
export interface RepoChannel {
  name: string;
  tag: string;
  updatedAt: string;
  history: { channel: string; fromTag: string | null; toTag: string; at: string }[];
}

export interface RepoTags {
  tags: RepoTag[];
  channels: RepoChannel[];
  /** Public base URL of `escalator repo serve`, when configured. */
  serveUrl: string | null;
}

export interface RepoPackage {
  nevra: string;
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  sha256: string;
  size: number;
  href: string;
  addedAt: string;
}

/** GET /api/v1/repo/tags/NAME */
export interface RepoTagDetail extends Omit<RepoTag, "channels"> {
  packageList: RepoPackage[];
  channels: string[];
}

export interface RepoPackageRef {
  nevra: string;
  name: string;
  arch: string;
  evr: string;
  sha256: string;
}

/** GET /api/v1/repo/diff/A/B */
export interface RepoDiff {
  from: string;
  to: string;
  added: RepoPackageRef[];
  removed: RepoPackageRef[];
  changed: { name: string; arch: string; from: RepoPackageRef; to: RepoPackageRef }[];
}
