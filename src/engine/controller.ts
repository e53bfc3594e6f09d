import type { EngineStateName } from "../store/types.js";
import { errorMessage } from "../util/errors.js";
import { backoffDelay } from "./backoff.js";
import type { ControllerDeps } from "./controller-types.js";
import { type CycleHost, runEscalationCycle, StopRequested } from "./escalation-cycle.js";
import { summarizeFailing } from "./failing-summary.js";
import { applyGuard } from "./guard.js";
import { plan as makePlan } from "./planner.js";
import type { FailingCheck } from "./types.js";
import { WakeSignal } from "./wake-signal.js";

/** How often an idle controller re-reads check state even when nothing woke it. */
const IDLE_POLL_MS = 5_000;
const ERROR_RETRY_MS = 5_000;

/**
 * The state machine of one environment:
 * converged → quiescing → escalating → verifying → converged, or backoff → a new cycle,
 * or stuck (a human is paged; held until checks recover or someone acks).
 */
export class Controller {
  private current: EngineStateName = "converged";
  private readonly wakeSignal = new WakeSignal();
  private readonly stopper = new AbortController();
  private readonly stepKiller = new AbortController();
  private pendingAck: { by: string; note: string } | undefined;

  private readonly cycleHost: CycleHost;

  constructor(private readonly deps: ControllerDeps) {
    this.cycleHost = {
      deps,
      enter: (state, detail) => this.enter(state, detail),
      stopSignal: this.stopper.signal,
      stepSignal: this.stepKiller.signal,
    };
  }

  get state(): EngineStateName {
    return this.current;
  }

  /** Something changed (a check transition): re-evaluate now rather than at the next poll. */
  wake(): void {
    this.wakeSignal.wake();
  }

  /** A human acknowledged: leave `stuck` and observe afresh. */
  ack(by: string, note = ""): void {
    this.pendingAck = { by, note };
    this.wake();
  }

  /** Stop taking new steps; a running step may finish. `force` also kills a running step. */
  stop(options: { force?: boolean } = {}): void {
    this.stopper.abort(new StopRequested("stop requested"));
    if (options.force) this.stepKiller.abort(new StopRequested("forced stop"));
  }

  /** Runs until stopped. */
  async run(): Promise<void> {
    for (;;) {
      try {
        await this.observeUntilFailure();
      } catch (error) {
        if (this.stopper.signal.aborted) return;
        // A bug or a failing dependency must not leave a daemon that never acts again:
        // log it, wait a little, and observe afresh.
        this.deps.logger.error({ err: errorMessage(error) }, "controller error; observing afresh in 5s");
        try {
          await this.sleep(ERROR_RETRY_MS);
        } catch {
          return;
        }
      }
    }
  }

  private takeAck(): { by: string; note: string } | undefined {
    const ack = this.pendingAck;
    this.pendingAck = undefined;
    return ack;
  }

  private enter(state: EngineStateName, detail: Record<string, unknown> = {}): void {
    this.current = state;
    this.deps.onState(state, detail);
  }

  private async sleep(ms: number): Promise<void> {
    await this.deps.clock.sleep(ms, this.stopper.signal);
  }

  private async waitForChange(ms: number): Promise<void> {
    await this.wakeSignal.wait(this.deps.clock, ms, this.stopper.signal);
  }

  private async observeUntilFailure(): Promise<void> {
    this.enter("converged");
    for (;;) {
      const gate = this.deps.gate();
      if (gate) {
        // Paused or in a maintenance window: checks still run and are recorded; nothing escalates.
        if (this.current !== "paused") this.deps.logger.warn(gate, "paused: nothing escalates");
        this.enter("paused", { ...gate, failing: this.deps.currentFailing().length });
        await this.waitForChange(
          Math.min(
            IDLE_POLL_MS,
            Math.max(1, (gate.until ?? Number.POSITIVE_INFINITY) - this.deps.clock.now()),
          ),
        );
        continue;
      }
      if (this.current === "paused") this.enter("converged");
      if (this.deps.currentFailing().length > 0) break;
      this.pendingAck = undefined;
      await this.waitForChange(IDLE_POLL_MS);
    }
    await this.quiesce();
  }

  /** Holds while the rate limit is used up; false when the checks recovered meanwhile. */
  private async waitForRateLimit(): Promise<boolean> {
    const limiter = this.deps.rateLimiter;
    if (!limiter) return true;
    let paged = false;
    for (;;) {
      const now = this.deps.clock.now();
      const next = limiter.nextAllowedAt(now);
      if (next <= now) return true;
      const detail = { until: next, used: limiter.used(now), max: limiter.max, perMs: limiter.perMs };
      this.enter("rate-limited", detail);
      if (!paged) {
        paged = true;
        const summary = `escalator ${this.deps.environment} reached its rate limit (${limiter.max} escalations per ${Math.round(limiter.perMs / 60_000)}m); holding until ${new Date(next).toISOString()}`;
        this.deps.logger.error(detail, summary);
        if (!this.deps.dryRun)
          await this.deps
            .page({ environment: this.deps.environment, severity: "critical", summary, details: detail })
            .catch(() => {});
      }
      await this.waitForChange(Math.min(IDLE_POLL_MS, next - now));
      if (this.deps.currentFailing().length === 0) return false;
    }
  }

  /** Observe through the window; a failure that recovers within it causes nothing. */
  private async quiesce(): Promise<void> {
    const until = this.deps.clock.now() + this.deps.quiescenceMs;
    this.enter("quiescing", { until, ...summarizeFailing(this.deps.currentFailing(), { limitBytes: 8192 }) });
    this.deps.logger.info({ until: new Date(until).toISOString() }, "failure observed; quiescing");
    await this.sleep(this.deps.quiescenceMs);
    const failing = this.deps.currentFailing();
    if (failing.length === 0) {
      this.deps.logger.info("failure recovered within the quiescence window; nothing to do");
      return;
    }
    await this.converge(failing);
  }

  /** Escalation cycles on one trigger, up to max_attempts. */
  private async converge(initialFailing: FailingCheck[]): Promise<void> {
    let failing = initialFailing;
    for (let cycle = 1; ; cycle++) {
      // A pause or maintenance window that began during quiescence or backoff: hold, do not start.
      if (this.deps.gate()) return;
      if (!(await this.waitForRateLimit())) return;
      const result = await runEscalationCycle(this.cycleHost, failing, cycle);
      if (result.kind === "converged") return;
      if (result.kind === "stuck") {
        // A guard hold ends by itself once enough targets recover that the rest are under the limit.
        const release = result.blocked ? () => !this.guardTrips() : undefined;
        return this.holdStuck(result.reason, failing, result.escalationId, release);
      }
      failing = result.failing;
      if (cycle >= this.deps.maxAttempts) {
        return this.holdStuck(
          `checks still failing after ${cycle} escalation cycles (max_attempts)`,
          failing,
          result.escalationId,
        );
      }
      const delay = backoffDelay(cycle, this.deps.cycleBackoff);
      this.enter("backoff", {
        until: this.deps.clock.now() + delay,
        nextCycle: cycle + 1,
        ...summarizeFailing(failing, { limitBytes: 8192 }),
      });
      // Observe through the backoff: a recovery ends it early (an alert resolving, say).
      const until = this.deps.clock.now() + delay;
      while (this.deps.clock.now() < until && this.deps.currentFailing().length > 0) {
        await this.waitForChange(until - this.deps.clock.now());
      }
      failing = this.deps.currentFailing();
      if (failing.length === 0) {
        this.deps.logger.info("checks recovered during backoff");
        return;
      }
    }
  }

  /** Page a human once, then hold until the checks recover or someone acks. */
  private guardTrips(): boolean {
    const targets = this.deps.currentTargets();
    const plan = makePlan({ failing: this.deps.currentFailing(), levels: this.deps.levels, targets });
    return applyGuard(plan, targets, this.deps.guardFor).trips.length > 0;
  }

  private async holdStuck(
    reason: string,
    failing: FailingCheck[],
    escalationId?: string,
    releaseWhen?: () => boolean,
  ): Promise<void> {
    const { deps } = this;
    this.enter("stuck", {
      reason,
      since: deps.clock.now(),
      ...summarizeFailing(failing, { limitBytes: 8192 }),
    });
    // Only an ack given after this point releases this hold, including one that arrives while paging.
    this.pendingAck = undefined;
    if (this.stopper.signal.aborted) throw new StopRequested("stopped before paging");
    const summary = `escalator ${deps.environment} is stuck: ${reason}. Fix it, then run: escalator ack`;
    if (deps.dryRun) {
      deps.logger.error({ reason }, `dry run: stuck; would page a human: ${summary}`);
    } else {
      deps.logger.error({ reason }, "stuck: paging a human");
      try {
        await deps.page({
          environment: deps.environment,
          severity: "critical",
          summary,
          ...(escalationId ? { escalationId } : {}),
          details: { state: "stuck", reason, ...summarizeFailing(failing) },
        });
      } catch (error) {
        deps.logger.error({ err: errorMessage(error) }, "paging failed");
      }
    }
    for (;;) {
      await this.waitForChange(IDLE_POLL_MS);
      const ack = this.takeAck();
      if (ack) {
        deps.logger.warn(ack, "acknowledged; observing afresh");
        return;
      }
      if (deps.currentFailing().length === 0) {
        deps.logger.info("checks recovered while stuck");
        return;
      }
      if (releaseWhen?.()) {
        deps.logger.info("the blast-radius guard no longer trips; observing afresh");
        return;
      }
    }
  }
}
