import type { Command } from "commander";
import type { PlannedLevel } from "../engine/types.js";
import { formatDuration } from "../util/duration.js";
import { EscalatorError } from "../util/errors.js";
import { configFor, EXIT, outputFor, withStore } from "./command-context.js";
import { formatTime, stateStyle } from "./output.js";

export function registerHistory(program: Command): void {
  program
    .command("history")
    .argument("[escalation-id]", "show one escalation with its steps and their output")
    .description("list escalations, newest first, or show one in full")
    .option("-n, --limit <n>", "how many escalations", "20")
    .option("--transitions", "list check transitions instead of escalations")
    .addHelpText(
      "after",
      "\nExamples:\n  escalator history\n  escalator history shop-20260101T120000Z-3fa2\n  escalator history --transitions -n 100 --json",
    )
    .action(
      async (id: string | undefined, options: { limit: string; transitions?: boolean }, command: Command) => {
        const out = outputFor(command);
        const config = await configFor(command);
        const limit = Number.parseInt(options.limit, 10);
        if (!Number.isInteger(limit) || limit < 1)
          throw new EscalatorError("USAGE", `--limit must be a positive integer, got "${options.limit}"`);
        await withStore(config, async (store) => {
          if (options.transitions) {
            const transitions = await store.listCheckTransitions(config.environment, { limit });
            if (out.json) return out.data(transitions);
            out.table(
              ["AT", "CHECK", "TARGET", "FROM", "TO", "FAILING", "MESSAGE"],
              transitions.map((t) => [
                formatTime(t.at),
                t.check,
                t.target || "-",
                t.fromState ?? "-",
                out.color(stateStyle(t.toState), t.toState),
                t.failing ? "yes" : "no",
                t.message,
              ]),
            );
            return;
          }
          if (id) {
            const escalation = await store.getEscalation(id);
            if (!escalation) {
              out.error(`no escalation ${id} in ${config.storeUrl}; list them with: escalator history`);
              process.exitCode = EXIT.failure;
              return;
            }
            const steps = await store.listSteps(id);
            const plan = JSON.parse(escalation.plan) as { levels: PlannedLevel[]; notes: string[] };
            if (out.json)
              return out.data({ ...escalation, trigger: JSON.parse(escalation.trigger), plan, steps });
            out.line(
              `${out.color("bold", escalation.id)}  ${out.color(stateStyle(escalation.status), escalation.status)}  cycle ${escalation.attempt}`,
            );
            out.line(`started ${formatTime(escalation.startedAt)}, ended ${formatTime(escalation.endedAt)}`);
            out.line(`outcome: ${escalation.outcome ?? "(running)"}`);
            out.line(
              `plan: ${plan.levels.map((l) => (l.scope === "targets" ? `${l.level}(${l.targets.join(",")})` : l.level)).join(" → ")}`,
            );
            for (const step of steps) {
              const took = step.endedAt ? formatDuration(step.endedAt - step.startedAt) : "running";
              out.line();
              out.line(
                `${out.color("bold", `${step.level}${step.target ? ` on ${step.target}` : ""}`)}  ${step.role} attempt ${step.attempt}  ${out.color(stateStyle(step.status), step.status)}  exit ${step.exitCode ?? "-"}  ${took}`,
              );
              if (step.output.trim()) out.line(step.output.trimEnd().replace(/^/gm, "  | "));
            }
            return;
          }
          const escalations = await store.listEscalations(config.environment, { limit });
          if (out.json) return out.data(escalations);
          if (escalations.length === 0) return out.line("no escalations yet");
          out.table(
            ["ID", "STARTED", "TOOK", "CYCLE", "STATUS", "PLAN", "OUTCOME"],
            escalations.map((e) => {
              const plan = JSON.parse(e.plan) as { levels: PlannedLevel[] };
              return [
                e.id,
                formatTime(e.startedAt),
                e.endedAt ? formatDuration(e.endedAt - e.startedAt) : "…",
                String(e.attempt),
                out.color(stateStyle(e.status), e.status),
                plan.levels.map((l) => l.level).join("→"),
                e.outcome ?? "",
              ];
            }),
          );
        });
      },
    );
}
