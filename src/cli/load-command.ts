import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { loadConfig, type ResolvedConfig } from "../config/load-config.js";
import { renderHtmlReport } from "../load/html-report.js";
import { runLoad } from "../load/run-load.js";
import { type LoadFlags, resolveLoad } from "../load/settings.js";
import { liveLine, summaryLines } from "../load/summary-text.js";
import { EscalatorError } from "../util/errors.js";
import { EXIT, globalOptions } from "./command-context.js";
import { createOutput } from "./output.js";

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

/**
 * The root program's boolean `--json` takes any `--json` on the command line, so in
 * `load --json out.json` the file name lands among the paths. Read the raw arguments instead: a
 * `--json` after `load` followed by a value (or `--json=FILE`) names the summary file; any other
 * `--json` (before `load`, last, or followed by an option) asks for the JSON summary on stdout.
 */
export function jsonArguments(
  raw: readonly string[],
  command = "load",
): { file: string | undefined; stdout: boolean } {
  const at = raw.indexOf(command);
  let file: string | undefined;
  let stdout = false;
  raw.forEach((arg, i) => {
    const next = raw[i + 1];
    if (arg.startsWith("--json=") && i > at) file = arg.slice("--json=".length);
    else if (arg !== "--json") return;
    else if (i > at && next !== undefined && !next.startsWith("-")) file = next;
    else stdout = true;
  });
  return { file, stdout };
}

/** Writes next to the target and renames, so a reader never sees half a file. */
function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new EscalatorError("USAGE", `cannot write ${file}: ${(error as Error).message}`);
  }
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
      "keep-alive connections per origin, opened as needed (default: users, or 100)",
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
Thresholds: p50 p90 p95 p99 p99.9 max mean < or > ms|s, errors <N%|N, rps >N; scope with
{journey:NAME}, {step:TEXT} or {request:METHOD /path}, e.g. p95{journey:Checkout}<1s.

Exit codes: 0 every threshold passed; 1 any failed; 2 usage, config or parse error, or an
undefined or ambiguous step (nothing is run).

Examples:
  escalator load --target http://127.0.0.1:3000 --users 50 --duration 1m --ramp 10s
  escalator load features/shop --target https://shop.example --rate 200/s --duration 5m --threshold "p95<300ms"
  escalator load --rate 1000/s --duration 2m --workers 4 --connections 400 --json load.json --report load.html
  escalator --json load --users 10 --duration 30s --threshold "errors<1%"`,
    )
    .action(async (paths: string[], options: LoadOptions, command: Command) => {
      const raw = (rootOf(command) as unknown as { rawArgs?: string[] }).rawArgs;
      const json = jsonArguments(raw ?? process.argv.slice(2));
      const jsonFile = options.json ?? json.file;
      if (jsonFile !== undefined && options.json === undefined) {
        const i = paths.indexOf(jsonFile);
        if (i >= 0) paths.splice(i, 1);
      }
      const config = optionalConfig(command);
      const resolved = resolveLoad(paths, options, config);
      const output = createOutput({ json: json.stdout });
      const live = Boolean(process.stderr.isTTY) && !process.env.CI;
      let shown = false;
      const result = await runLoad({
        paths: resolved.paths,
        cwd: process.cwd(),
        settings: resolved.settings,
        thresholds: resolved.thresholds,
        ...(resolved.target ? { target: resolved.target } : {}),
        ...(resolved.tags ? { tags: resolved.tags } : {}),
        ...(options.require ? { require: options.require } : {}),
        ...(live
          ? {
              onProgress: (snapshot) => {
                process.stderr.write(`\r\u001b[2K${liveLine(snapshot, resolved.settings.durationMs)}`);
                shown = true;
              },
            }
          : {}),
      });
      if (shown) process.stderr.write("\r\u001b[2K");
      if (result.summary === undefined) {
        for (const error of result.errors)
          output.error(`${error.uri}${error.line ? `:${error.line}` : ""} ${error.message}`);
        const n = result.errors.length;
        output.error(`${n} problem${n === 1 ? "" : "s"}; nothing was run.`);
        process.exitCode = EXIT.usage;
        return;
      }
      const { summary } = result;
      if (jsonFile !== undefined) writeAtomically(jsonFile, `${JSON.stringify(summary, null, 2)}\n`);
      if (options.report !== undefined) writeAtomically(options.report, renderHtmlReport(summary));
      if (json.stdout) output.data(summary);
      else for (const line of summaryLines(summary, output.tty)) output.line(line);
      process.exitCode = summary.thresholds.every((t) => t.passed) ? EXIT.ok : EXIT.failure;
    });
}
