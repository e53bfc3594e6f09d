import type { Command } from "commander";

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description(
      "run every check once and print the plan the engine would run now, without running any action",
    )
    .option("--concurrency <n>", "probes in flight at once", "64")
    .addHelpText(
      "after",
      "\nExit codes: 0 nothing to do, 1 an escalation would run, 2 config error.\n\nExamples:\n  escalator plan\n  escalator plan --json | jq .plan",
    )
    .action(async (options: { concurrency: string }, command: Command) => {
      const { runPlan } = await import("./plan-action.js");
      await runPlan(options, command);
    });
}
