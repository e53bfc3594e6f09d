import type { Command } from "commander";
import type { LoadError } from "../features/load-features.js";
import { renderHtmlReport } from "../load/html-report.js";
import { type LoadRunSummary, runLoad } from "../load/run-load.js";
import { resolveLoad } from "../load/settings.js";
import { liveLine, seconds, summaryLines } from "../load/summary-text.js";
import { CANCEL_GRACE_MS } from "../load/worker-engine.js";
import { optionalConfig } from "./command-context.js";
import { isCi, LOAD_EXIT, type LoadOptions, loadExitCode } from "./load-command.js";
import { checkOutputFiles, jsonArguments, writeAtomically } from "./load-output-files.js";
import { createOutput, type Output } from "./output.js";

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

/** `escalator load`: the features' scenarios as a load test, then the summary and its files. */
export async function runLoadCommand(paths: string[], options: LoadOptions, command: Command): Promise<void> {
  const raw = (rootOf(command) as unknown as { rawArgs?: string[] }).rawArgs;
  const json = jsonArguments(raw ?? process.argv.slice(2));
  const jsonFile = options.json ?? json.file;
  if (jsonFile !== undefined && options.json === undefined) {
    const i = paths.indexOf(jsonFile);
    if (i >= 0) paths.splice(i, 1);
  }
  const config = await optionalConfig(command);
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
}
