import { registerBuiltinSteps } from "../features/builtin/builtin-steps.js";
import { createFormatter } from "../features/formatters/registry.js";
import { monitorOutput } from "../features/monitor-output.js";
import { runFeatures } from "../features/run-features.js";
import type { Formatter } from "../features/types.js";
import { errorMessage } from "../util/errors.js";
import { EXIT } from "./command-context.js";
import { MONITOR_UNKNOWN } from "./monitor-command.js";
import { checkTarget, parallelOf, type ScenarioOptions } from "./test-command.js";

/** `escalator test`: the features as behaviour tests, reported by the formatters asked for. */
export async function runTest(
  paths: string[],
  options: ScenarioOptions & { format: string[] },
): Promise<void> {
  const parallel = parallelOf(options.parallel);
  checkTarget(options.target);
  const specs = options.format.length > 0 ? options.format : [process.stdout.isTTY ? "pretty" : "progress"];
  const formatters: Formatter[] = specs.map((spec) =>
    createFormatter(spec, {
      stdout: process.stdout,
      cwd: process.cwd(),
      color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    }),
  );
  const summary = await runFeatures({
    paths,
    cwd: process.cwd(),
    require: options.require,
    parallel,
    ...(options.tags ? { tags: options.tags } : {}),
    ...(options.target ? { target: options.target } : {}),
    supportCode: [registerBuiltinSteps],
    onMessage: (envelope) => {
      for (const formatter of formatters) formatter.onMessage?.(envelope);
    },
  });
  for (const formatter of formatters) await formatter.finish?.();
  for (const error of summary.errors)
    process.stderr.write(`${error.uri}${error.line ? `:${error.line}` : ""} ${error.message}\n`);
  const s = summary.scenarios;
  process.exitCode =
    summary.errors.length > 0
      ? EXIT.usage
      : s.FAILED + s.UNDEFINED + s.AMBIGUOUS + s.PENDING > 0 || summary.problems.length > 0
        ? EXIT.failure
        : EXIT.ok;
}

/** `escalator monitor`: the features as a Nagios plugin, one status line and its exit code. */
export async function runMonitor(paths: string[], options: ScenarioOptions): Promise<void> {
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
}
