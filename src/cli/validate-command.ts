import type { Command } from "commander";
import { configFor, EXIT, outputFor } from "./command-context.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check escalator.yaml and exit: 0 valid, 2 with every problem listed as file:line:col")
    .addHelpText("after", "\nExamples:\n  escalator validate\n  escalator -c envs/shop.yaml validate --json")
    .action(async (_options, command: Command) => {
      const out = outputFor(command);
      const config = await configFor(command);
      const { staticTargets } = await import("../config/schema.js");
      const targets = Object.entries(config.targets).map(([name, spec]) => ({
        group: name,
        source: staticTargets(spec) ? "list" : "command",
        count: staticTargets(spec)?.length,
      }));
      const summary = {
        valid: true,
        file: config.file,
        environment: config.environment,
        levels: config.levels.map((l) => l.name),
        checks: config.checks.map((c) => c.name),
        targets,
        store: config.storeUrl,
      };
      if (out.json) out.data(summary);
      else {
        out.line(`${out.color("green", "✓")} ${config.file} is valid`);
        out.line(`  environment ${config.environment}`);
        out.line(
          `  ladder      ${config.levels.map((l) => (l.for_each ? `${l.name}[${l.for_each}]` : l.name)).join(" → ")}`,
        );
        out.line(`  checks      ${config.checks.length}`);
        for (const t of targets) out.line(`  targets     ${t.group}: ${t.count ?? "read by command"}`);
        out.line(`  history     ${config.storeUrl}`);
      }
      process.exitCode = EXIT.ok;
    });
}
