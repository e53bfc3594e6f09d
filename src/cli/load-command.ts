import type { Command } from "commander";
import type { LoadRunSummary } from "../load/run-load.js";
import type { LoadFlags } from "../load/settings.js";
import { EXIT } from "./command-context.js";
import { checkOutputFiles, jsonArguments } from "./load-output-files.js";

export { checkOutputFiles, jsonArguments };

/**
 * CANCEL_GRACE_MS of src/load/worker-engine.ts in seconds, for the help text: importing it would
 * load the whole load engine for every `--help` (load-command.test.ts checks that they agree).
 */
export const CANCEL_GRACE_SECONDS = 2;

/**
 * Exit codes of `escalator load`: 0 every threshold passed; 1 a threshold failed, or a BeforeAll
 * or AfterAll hook; 2 nothing ran (usage, config, parse error, undefined or ambiguous step); 3 a
 * worker thread died (the summary is incomplete); 130 interrupted by Ctrl-C or SIGTERM (the
 * summary covers the time run).
 */
export const LOAD_EXIT = { ...EXIT, incomplete: 3, interrupted: 130 } as const;

export interface LoadOptions extends LoadFlags {
  json?: string;
  report?: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** A truthy CI variable (set, and not "", "0" or "false") turns the live line off. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}

let ran = false;
/**
 * True once `escalator load` ran. Journeys still hanging after the end grace (a step that never
 * settles, its timers or sockets) could keep the process alive after the summary, so bin.ts
 * exits as soon as the output is flushed.
 */
export function loadCommandRan(): boolean {
  return ran;
}

/** The exit code of a run that produced a summary. */
export function loadExitCode(summary: LoadRunSummary): number {
  if (summary.interrupted) return LOAD_EXIT.interrupted;
  if (summary.incomplete) return LOAD_EXIT.incomplete;
  const passed = summary.thresholds.every((t) => t.passed) && (summary.hookErrors ?? []).length === 0;
  return passed ? LOAD_EXIT.ok : LOAD_EXIT.failure;
}

export function registerLoad(program: Command): void {
  program
    .command("load")
    .argument("[paths...]", "feature files or folders (default: load.paths in the config, else features)")
    .description("run the features' scenarios as load-test journeys, weighted by @weight:N tags")
    .option("--target <url>", "base URL for the built-in HTTP steps")
    .option("--users <n>", "closed model: virtual users, each running journeys back to back")
    .option("--rate <rate>", "open model: journeys started per second, e.g. 200/s")
    .option("--duration <duration>", "how long journeys are started, e.g. 30s, 5m")
    .option("--ramp <duration>", "linear ramp from 0 to the full users or rate (default 0)")
    .option("--think-time <duration>", "closed model: pause between one user's journeys (default 0)")
    .option("--tags <expression>", 'only scenarios matching, e.g. "@load and not @wip"')
    .option("--require <path>", "step definition file (repeatable); default features/**/steps/*", collect)
    .option(
      "--connections <n>",
      "keep-alive connections per origin, opened as needed (default: users up to 1000, or 100 with --rate)",
    )
    .option("--workers <n>", "worker threads generating load (default 1: this thread)")
    .option(
      "--threshold <expression>",
      "pass/fail criterion, repeatable: p95<300ms, errors<1%, rps>=500",
      collect,
    )
    .option("--json <file>", "write the JSON summary to this file (the global --json prints it instead)")
    .option("--report <file.html>", "write an HTML report")
    .addHelpText(
      "after",
      `
A journey is a scenario, run with the same step definitions, hooks and World as \`escalator test\`.
Its weight is @weight:N on the scenario or its feature (the scenario's wins; default 1).
A failing step ends its journey and counts as an error by kind; the test goes on.

The closed model (--users) keeps N users busy; the open model (--rate) starts journeys on a
schedule whatever the server does, and measures each from its intended start, so a stalled server
shows in the latencies (no coordinated omission). Journeys that cannot start within 1s are dropped.
Request names are "METHOD /path"; a request is ok when it got a response below 400.
A promise a step left rejected with no handler counts as error kind "unhandled" (an exception
thrown from a callback as "uncaught"); the test goes on.
Thresholds: p50 p90 p95 p99 p99.9 max mean < or > ms|s, errors <N%|N, rps >N; scope with
{journey:NAME}, {step:TEXT} or {request:METHOD /path}, e.g. p95{journey:Checkout}<1s.

BeforeAll and AfterAll hooks run once per worker: with --workers 4, four times, each worker
in its own thread with its own copy of the step files. A failing BeforeAll hook stops the test
before any journey starts (the AfterAll hooks still run); a failing AfterAll hook fails it.

The --json and --report files are checked before the test starts: not a folder, a feature path,
or a .feature, .ts, .js, .mjs or .yaml file; the report ends in .html. The summary is printed
first; a file that cannot be written then is a warning and does not change the exit code.

Ctrl-C (or SIGTERM) stops the test early: no journey starts any more, those in flight get
${CANCEL_GRACE_SECONDS}s, then the summary of the time run is printed and written, marked "interrupted": true
in the JSON. A second Ctrl-C exits at once, without a summary.

Exit codes:
  0    every threshold passed
  1    a threshold failed, or a BeforeAll or AfterAll hook failed
  2    usage, config or parse error, or an undefined or ambiguous step (nothing is run)
  3    a worker thread died: the summary of what was measured is marked "incomplete": true
  130  interrupted by Ctrl-C or SIGTERM: the summary is marked "interrupted": true

Examples:
  escalator load --target http://127.0.0.1:3000 --users 50 --duration 1m --ramp 10s
  escalator load features/shop --target https://shop.example --rate 200/s --duration 5m --threshold "p95<300ms"
  escalator load --rate 1000/s --duration 2m --workers 4 --connections 400 --json load.json --report load.html
  escalator --json load --users 10 --duration 30s --threshold "errors<1%"`,
    )
    .action(async (paths: string[], options: LoadOptions, command: Command) => {
      ran = true;
      const { runLoadCommand } = await import("./load-action.js");
      await runLoadCommand(paths, options, command);
    });
}
