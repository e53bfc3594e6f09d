import type { Command } from "commander";
import { type ScenarioOptions, scenarioOptions } from "./test-command.js";

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
      const { runMonitor } = await import("./scenario-actions.js");
      await runMonitor(paths, options);
    });
}
