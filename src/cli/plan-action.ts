import type { Command } from "commander";
import pino from "pino";
import { CheckTracker } from "../checks/check-tracker.js";
import { runCheck } from "../checks/registry.js";
import { checkInstances } from "../checks/scheduler.js";
import type { CheckResult } from "../checks/types.js";
import { plan as makePlan } from "../engine/planner.js";
import { TargetGroups } from "../engine/target-groups.js";
import type { FailingCheck } from "../engine/types.js";
import { configFor, EXIT, outputFor } from "./command-context.js";
import { stateStyle } from "./output.js";

/** `escalator plan`: runs every check once and prints the plan, running no action. */
export async function runPlan(options: { concurrency: string }, command: Command): Promise<void> {
  const out = outputFor(command);
  const config = await configFor(command);
  const logger = pino({ level: "silent" });
  const groups = new TargetGroups(config.targets, {
    cwd: config.dir,
    environment: config.environment,
    logger,
    now: Date.now,
  });
  await groups.refreshAll();
  const instances = checkInstances(config.checks, groups.current());
  const results: {
    key: string;
    check: string;
    target?: string;
    level: string;
    result: CheckResult;
    failing: boolean;
  }[] = [];
  const queue = [...instances];
  const progress = !out.json && process.stderr.isTTY;
  const worker = async () => {
    for (let instance = queue.shift(); instance; instance = queue.shift()) {
      const result = await runCheck(
        {
          check: instance.check,
          target: instance.target,
          environment: config.environment,
          cwd: config.dir,
          timeoutMs: instance.check.timeout,
          ...(config.values ? { values: { config: config.values } } : {}),
        },
        AbortSignal.timeout(instance.check.timeout + 5_000),
      );
      const tracker = new CheckTracker({
        failures: 1,
        successes: 1,
        escalateOn: instance.check.escalate_on,
      });
      const failing = tracker.record(result, Date.now()).failing;
      results.push({
        key: instance.key,
        check: instance.check.name,
        target: instance.target,
        level: instance.check.level,
        result,
        failing,
      });
      if (progress) process.stderr.write(`\rchecking ${results.length}/${instances.length}`);
    }
  };
  const width = Math.max(1, Math.min(Number(options.concurrency) || 64, instances.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (progress) process.stderr.write("\r\u001b[K");

  const failing: FailingCheck[] = results
    .filter((r) => r.failing)
    .map((r) => ({
      check: r.check,
      target: r.target,
      level: r.level,
      state: r.result.state,
      message: r.result.message,
    }));
  const plan = makePlan({ failing, levels: config.levels, targets: groups.current() });
  for (const state of Object.values(groups.states())) {
    if (state.error) plan.notes.push(state.error);
  }

  if (out.json) {
    out.data({
      environment: config.environment,
      checks: results.map(({ result, ...r }) => ({ ...r, ...result })),
      plan,
    });
  } else {
    const sorted = [...results].sort(
      (a, b) => Number(b.failing) - Number(a.failing) || a.key.localeCompare(b.key),
    );
    out.table(
      ["CHECK", "TARGET", "STATE", "LEVEL", "MESSAGE"],
      sorted.map((r) => [
        r.check,
        r.target ?? "-",
        out.color(stateStyle(r.result.state), r.result.state),
        r.level,
        r.result.message,
      ]),
    );
    out.line();
    if (plan.levels.length === 0)
      out.line(out.color("green", "Nothing to do: no check requires escalation."));
    else {
      out.line(
        out.color(
          "bold",
          `Plan (${failing.length} failing check instance${failing.length === 1 ? "" : "s"}):`,
        ),
      );
      plan.levels.forEach((l, i) => {
        const scope =
          l.scope === "targets" ? ` on ${l.targets.length ? l.targets.join(", ") : "(none)"}` : "";
        out.line(`  ${i + 1}. ${l.level}${scope}  ${out.color("gray", `— ${l.because}`)}`);
      });
    }
    for (const note of plan.notes) out.line(out.color("yellow", `note: ${note}`));
  }
  process.exitCode = plan.levels.length > 0 ? EXIT.failure : EXIT.ok;
}
