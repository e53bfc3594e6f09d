import type { CheckState } from "../config/schema.js";

/** A check instance that currently counts as failing. */
export interface FailingCheck {
  check: string;
  /** Set for per-target checks. */
  target?: string;
  /** The level the check is mapped to. */
  level: string;
  state: CheckState;
  message: string;
  /** When this instance started counting as failing. */
  since?: number;
  /** When this instance was first observed; a target that appeared mid-plan is not a "new failure". */
  firstSeenAt?: number;
}

/** The slice of a level the planner needs. */
export interface LadderLevel {
  name: string;
  /** Target group, for target-scoped levels. */
  for_each?: string;
}

export interface PlannedLevel {
  level: string;
  /** Position in the ladder, 0 = most drastic. */
  index: number;
  scope: "environment" | "targets";
  group?: string;
  /** Targets the level acts on; empty for environment-scoped levels. */
  targets: string[];
  /** Why these targets, for humans. */
  because: string;
}

export interface Plan {
  levels: PlannedLevel[];
  /** The failing checks this plan answers. */
  trigger: FailingCheck[];
  /** Things the planner ignored, and why (e.g. a failing target no longer in its group). */
  notes: string[];
}
