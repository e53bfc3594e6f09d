import { existsSync } from "node:fs";
import type { Command } from "commander";
import { loadConfig, type ResolvedConfig } from "../config/load-config.js";
import type { LoadError } from "../features/load-features.js";
import { renderHtmlReport } from "../load/html-report.js";
import { type LoadRunSummary, runLoad } from "../load/run-load.js";
import { type LoadFlags, resolveLoad } from "../load/settings.js";
import { liveLine, seconds, summaryLines } from "../load/summary-text.js";
import { CANCEL_GRACE_MS } from "../load/worker-engine.js";
import { EXIT, globalOptions } from "./command-context.js";
import { checkOutputFiles, jsonArguments, writeAtomically } from "./load-output-files.js";
import { createOutput, type Output } from "./output.js";

export { checkOutputFiles, jsonArguments };

/**
 * Exit codes of `escalator load`: 0 every threshold passed; 1 a threshold failed, or a BeforeAll
 * or AfterAll hook; 2 nothing ran (usage, config, parse error, undefined or ambiguous step); 3 a
 * worker thread died (the summary is incomplete); 130 interrupted by Ctrl-C or SIGTERM (the
 * summary covers the time run).
 */
export const LOAD_EXIT = { ...EXIT, incomplete: 3, interrupted: 130 } as const;

interface LoadOptions extends LoadFlags {
  json?: string;
  report?: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The config file, when one was given or ./escalator.yaml exists. */
function optionalConfig(command: Command): ResolvedConfig | undefined {
  const file = globalOptions(command).config;
  const given = command.parent?.getOptionValueSource("config") === "cli";
  if (!given && !existsSync(file)) return undefined;
  return loadConfig(file);
}

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

const where = (error: LoadError) => `${error.uri}${error.line ? `:${error.line}` : ""}`;

/** How the run ended, above the summary: interrupted or incomplete runs are not the full test. */
function endingLines(summary: LoadRunSummary, output: Output): string[] {
  const lines: string[] = [];
  if (summary.interrupted) {
    const after = summary.interruptedAfterMs ?? summary.durationMs;
    lines.push(
      output.color(
        "yellow",
        `Interrupted after ${(after / 1000).toFixed(1)}s of ${seconds(summary.durationMs)}: the figures and thresholds cover the time run.`,
      ),
    );
  }
  for (const failed of summary.failedWorkers ?? []) {
    lines.push(
      output.color(
        "red",
        `Incomplete: load worker ${failed.worker} died (${failed.message.split("\n")[0]}); the others stopped early.`,
      ),
    );
  }
  return lines;
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
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
${CANCEL_GRACE_MS / 1000}s, then the summary of the time run is printed and written, marked "interrupted": true
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
      const raw = (rootOf(command) as unknown as { rawArgs?: string[] }).rawArgs;
      const json = jsonArguments(raw ?? process.argv.slice(2));
      const jsonFile = options.json ?? json.file;
      if (jsonFile !== undefined && options.json === undefined) {
        const i = paths.indexOf(jsonFile);
        if (i >= 0) paths.splice(i, 1);
      }
      const config = optionalConfig(command);
      const resolved = resolveLoad(paths, options, config);
      checkOutputFiles(
        [
          { flag: "--json", file: jsonFile },
          { flag: "--report", file: options.report },
        ],
        resolved.paths,
      );
      const output = createOutput({ json: json.stdout });
      const live = Boolean(process.stderr.isTTY) && !isCi();
      let shown = false;
      const clearLive = () => {
        if (shown) process.stderr.write("\r\u001b[2K");
        shown = false;
      };

      // The first Ctrl-C or SIGTERM stops the test early and still prints and writes the summary;
      // the next one (or one once the test is over) exits at once.
      const interrupt = new AbortController();
      let running = true;
      const onSignal = (signal: NodeJS.Signals) => {
        clearLive();
        if (interrupt.signal.aborted || !running) {
          process.stderr.write(`escalator: ${signal} again: exiting without a summary\n`);
          process.exit(LOAD_EXIT.interrupted);
        }
        process.stderr.write(
          `escalator: ${signal}: stopping; journeys in flight get up to ${CANCEL_GRACE_MS / 1000}s, then the summary (${signal} again to exit now)\n`,
        );
        interrupt.abort();
      };
      const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
      for (const signal of signals) process.on(signal, onSignal);
      try {
        const result = await runLoad({
          paths: resolved.paths,
          cwd: process.cwd(),
          settings: resolved.settings,
          thresholds: resolved.thresholds,
          signal: interrupt.signal,
          ...(resolved.target ? { target: resolved.target } : {}),
          ...(resolved.tags ? { tags: resolved.tags } : {}),
          ...(options.require ? { require: options.require } : {}),
          ...(live
            ? {
                onProgress: (snapshot) => {
                  if (interrupt.signal.aborted) return;
                  process.stderr.write(`\r\u001b[2K${liveLine(snapshot, resolved.settings.durationMs)}`);
                  shown = true;
                },
              }
            : {}),
        });
        running = false;
        clearLive();
        if (result.summary === undefined) {
          for (const error of result.errors) output.error(`${where(error)} ${error.message}`);
          const n = result.errors.length;
          output.error(`${n} problem${n === 1 ? "" : "s"}; nothing was run.`);
          process.exitCode = result.failure === "hook" ? LOAD_EXIT.failure : LOAD_EXIT.usage;
          return;
        }
        const { summary } = result;
        const code = loadExitCode(summary);
        if (json.stdout) output.data(summary);
        else {
          for (const line of endingLines(summary, output)) output.line(line);
          for (const line of summaryLines(summary, output.tty)) output.line(line);
        }
        for (const error of summary.hookErrors ?? []) output.error(`${where(error)} ${error.message}`);
        for (const warning of summary.warnings ?? []) output.error(`escalator: warning: ${warning}`);
        // The result is out; a file that cannot be written now does not change it.
        const outputs: [string | undefined, () => string][] = [
          [jsonFile, () => `${JSON.stringify(summary, null, 2)}\n`],
          [options.report, () => renderHtmlReport(summary)],
        ];
        for (const [file, text] of outputs) {
          if (file === undefined) continue;
          try {
            writeAtomically(file, text());
          } catch (error) {
            output.error(
              `escalator: warning: ${(error as Error).message}; the result above stands (exit code ${code})`,
            );
          }
        }
        process.exitCode = code;
      } finally {
        running = false;
        clearLive();
        for (const signal of signals) process.off(signal, onSignal);
      }
    });
}
