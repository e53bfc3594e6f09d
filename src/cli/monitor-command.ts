import type { Command } from "commander";
import { registerBuiltinSteps } from "../features/builtin/builtin-steps.js";
import { monitorOutput } from "../features/monitor-output.js";
import { runFeatures } from "../features/run-features.js";
import { errorMessage } from "../util/errors.js";
import { checkTarget, parallelOf, type ScenarioOptions, scenarioOptions } from "./test-command.js";

/** Nagios's UNKNOWN: also the answer to a usage or parse error. */
export const MONITOR_UNKNOWN = 3;

export function registerMonitor(program: Command): void {
  scenarioOptions(
    program
      .command("monitor")
      .argument("[paths...]", "feature files or folders", ["features"])
      .description(
        "run Gherkin features as a Nagios plugin: one status line with perfdata, then the failing steps",
      ),
  )
    .addHelpText(
      "after",
      `
Output: ESCALATOR <OK|WARNING|CRITICAL|UNKNOWN> - <p> passed, <f> failed, <u> undefined | passed=<p>;;;; failed=<f>;;;; undefined=<u>;;;; time=<s>s;;;;
Exit codes: 0 OK; 1 WARNING (undefined or pending steps); 2 CRITICAL (a failure); 3 UNKNOWN (usage or parse error).

Examples:
  escalator monitor features/smoke.feature --target https://shop.example
  /usr/lib/nagios/plugins/check_by_ssh ... -C "escalator monitor /srv/features --tags @smoke"`,
    )
    .action(async (paths: string[], options: ScenarioOptions) => {
      const started = Date.now();
      try {
        checkTarget(options.target);
        const summary = await runFeatures({
          paths,
          cwd: process.cwd(),
          require: options.require,
          parallel: parallelOf(options.parallel),
          ...(options.tags ? { tags: options.tags } : {}),
          ...(options.target ? { target: options.target } : {}),
          supportCode: [registerBuiltinSteps],
          onMessage: () => {},
        });
        const output = monitorOutput(summary, (Date.now() - started) / 1000);
        process.stdout.write(`${output.text.trimEnd()}\n`);
        process.exitCode = output.exitCode;
      } catch (error) {
        process.stdout.write(`ESCALATOR UNKNOWN - ${errorMessage(error).split("\n")[0]}\n`);
        process.exitCode = MONITOR_UNKNOWN;
      }
    });
}
