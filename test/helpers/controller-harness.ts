import pino from "pino";
import type { Notification } from "../../src/actions/types.js";
import type { GuardConfig, LevelConfig } from "../../src/config/schema.js";
import { Controller } from "../../src/engine/controller.js";
import type { ControllerDeps, StepOutcome, StepRequest } from "../../src/engine/controller-types.js";
import { RateLimiter } from "../../src/engine/rate-limiter.js";
import type { FailingCheck, Plan } from "../../src/engine/types.js";
import type { EngineStateName, EscalationStatus } from "../../src/store/types.js";
import { FakeClock } from "../../src/util/fake-clock.js";

export interface JournalEntry {
  id: string;
  attempt: number;
  plan: Plan;
  dryRun: boolean;
  status: EscalationStatus | "running";
  outcome?: string;
}

/** A controller wired to in-memory fakes, on a fake clock, for state-machine tests. */
export function controllerHarness(options: {
  levels: LevelConfig[];
  targets?: Record<string, string[]>;
  quiescenceMs?: number;
  maxAttempts?: number;
  dryRun?: boolean;
  runStep?: (request: StepRequest) => StepOutcome | Promise<StepOutcome>;
  guard?: GuardConfig;
  rateLimit?: { max: number; perMs: number };
}) {
  const clock = new FakeClock();
  let failing: FailingCheck[] = [];
  const steps: StepRequest[] = [];
  const journal: JournalEntry[] = [];
  const pages: Notification[] = [];
  const states: EngineStateName[] = [];
  let verifyResult: (() => FailingCheck[]) | undefined;
  let counter = 0;
  let realRunStep: ControllerDeps["runStep"] | undefined;
  let pageHook: (() => Promise<void>) | undefined;
  let gate: { reason: string; until: number | null } | undefined;
  const approvals = new Map<string, (d: "approved" | "rejected") => void>();
  const deps: ControllerDeps = {
    environment: "shop",
    clock,
    logger: pino({ level: "silent" }),
    levels: options.levels,
    quiescenceMs: options.quiescenceMs ?? 30_000,
    maxAttempts: options.maxAttempts ?? 3,
    cycleBackoff: { initial: 30_000, factor: 2, max: 960_000 },
    dryRun: options.dryRun ?? false,
    currentFailing: () => failing,
    currentTargets: () => options.targets ?? {},
    verify: async () => {
      if (verifyResult) failing = verifyResult();
      return failing;
    },
    runStep: async (request, signals) => {
      steps.push(request);
      if (realRunStep) return realRunStep(request, signals);
      return options.runStep ? options.runStep(request) : { ok: true, summary: "exit 0" };
    },
    journal: {
      start: async (e) => {
        journal.push({ id: e.id, attempt: e.attempt, plan: e.plan, dryRun: e.dryRun, status: "running" });
      },
      finish: async (id, status, outcome) => {
        const entry = journal.find((j) => j.id === id);
        if (entry) Object.assign(entry, { status, outcome });
      },
    },
    page: async (n) => {
      pages.push(n);
      await pageHook?.();
    },
    onState: (state) => {
      if (states[states.length - 1] !== state) states.push(state);
    },
    newEscalationId: () => `esc-${++counter}`,
    gate: () => gate,
    guardFor: () => options.guard ?? { max_failing: "100%", min: 1 },
    rateLimiter: options.rateLimit
      ? new RateLimiter(options.rateLimit.max, options.rateLimit.perMs)
      : undefined,
    awaitApproval: (request, signal) =>
      new Promise((resolve) => {
        signal.addEventListener("abort", () => resolve({ decision: "stopped" }), { once: true });
        approvals.set(request.escalationId, (decision) =>
          resolve(decision === "approved" ? { decision } : { decision, by: "carol", reason: "not now" }),
        );
      }),
  };
  const controller = new Controller(deps);
  const running = controller.run();
  return {
    clock,
    controller,
    running,
    steps,
    journal,
    pages,
    states,
    /** Sets what currently fails and wakes the controller, as a check transition would. */
    setFailing(next: FailingCheck[]) {
      failing = next;
      controller.wake();
    },
    /** Overrides what verification returns (default: the current failing set). */
    onVerify(fn: () => FailingCheck[]) {
      verifyResult = fn;
    },
    /** Pauses (or resumes with undefined), as `escalator pause` or a maintenance window would. */
    setGate(next: { reason: string; until: number | null } | undefined) {
      gate = next;
      controller.wake();
    },
    /** Decides the approval an escalation waits for. */
    decide(escalationId: string, decision: "approved" | "rejected") {
      approvals.get(escalationId)?.(decision);
    },
    /** Makes paging wait on the given promise (e.g. a slow pager). */
    setPage(fn: () => Promise<void>) {
      pageHook = fn;
    },
    /** Uses a real step runner instead of the scripted outcome. */
    setRunStep(fn: ControllerDeps["runStep"]) {
      realRunStep = fn;
    },
    stepNames: () => steps.map((s) => (s.target ? `${s.level.name}:${s.target}` : s.level.name)),
    async stop() {
      controller.stop();
      await clock.advance(1);
      await running;
    },
  };
}

export function level(name: string, extra: Partial<LevelConfig> = {}): LevelConfig {
  return {
    name,
    run: [`./${name}.sh`],
    retries: 0,
    approve: false,
    approve_timeout: 900_000,
    ...extra,
  } as LevelConfig;
}

export function failure(check: string, levelName: string, target?: string): FailingCheck {
  return { check, level: levelName, target, state: "CRITICAL", message: "down" };
}
