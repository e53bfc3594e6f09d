import { isAbsolute, resolve } from "node:path";
import { formatDuration } from "../../util/duration.js";
import { oneLine } from "../../util/http-text.js";
import { runProcess } from "../../util/run-process.js";
import type { MeasureContext, Measurement, MetricSource } from "../types.js";
import { describe, toMeasurement, windowSeconds, windowText } from "./measurement.js";

const PLACEHOLDER = /\{\{\s*(release|window|since|until)\s*\}\}/g;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A metric measured by a program, run without a shell in the values file's folder (a relative
 * argv[0] with a slash resolves against it). `{{release}}`, `{{window}}` ("600s"), `{{since}}` and
 * `{{until}}` (ISO 8601) are substituted inside each argv element, which stays one argument
 * whatever the release contains; the same values are in ESCALATOR_RELEASE, ESCALATOR_WINDOW_SECONDS,
 * ESCALATOR_SINCE and ESCALATOR_UNTIL. The program prints a number, or JSON
 * `{"value": N, "exposure"?: M, "samples"?: [...]}`, and exits 0.
 */
export function commandSource(argv: readonly string[], dir: string, timeoutMs: number): MetricSource {
  return {
    kind: "command",
    async measure(ctx: MeasureContext): Promise<Measurement> {
      const values: Record<string, string> = {
        release: ctx.release,
        window: windowText(ctx.windowMs),
        since: ctx.since.toISOString(),
        until: ctx.until.toISOString(),
      };
      const args = argv.map((arg) => arg.replace(PLACEHOLDER, (_, name: string) => values[name] ?? ""));
      const program = args[0] ?? "";
      if (!isAbsolute(program) && program.includes("/")) args[0] = resolve(dir, program);
      const outcome = await runProcess(
        { argv: args },
        {
          cwd: dir,
          env: {
            ESCALATOR_RELEASE: ctx.release,
            ESCALATOR_SINCE: values.since as string,
            ESCALATOR_UNTIL: values.until as string,
            ESCALATOR_WINDOW_SECONDS: String(windowSeconds(ctx.windowMs)),
          },
          timeoutMs,
          signal: ctx.signal,
          killGraceMs: 2000,
        },
      );
      if (outcome.spawnError !== undefined) throw new Error(outcome.spawnError);
      const tail = lastLines(outcome.output);
      if (outcome.timedOut) {
        throw new Error(`${program} did not finish within ${formatDuration(timeoutMs)}${tail}`);
      }
      if (outcome.aborted) throw new Error(`${program} was stopped: the measurement was aborted`);
      if (outcome.exitCode !== 0) {
        const how =
          outcome.exitCode === null
            ? `was killed by ${outcome.signal}`
            : `exited with code ${outcome.exitCode}`;
        throw new Error(`${program} ${how}${tail}`);
      }
      return parseOutput(outcome.stdout);
    },
  };
}

/** A number, or JSON {value, exposure?, samples?}, as printed on stdout. */
export function parseOutput(stdout: string): Measurement {
  const text = stdout.trim();
  if (text === "") {
    throw new Error(
      'the command printed nothing; print a number or {"value": N, "exposure"?: M, "samples"?: [...]}',
    );
  }
  if (NUMBER.test(text)) return toMeasurement(Number(text), "the command printed");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      `the command printed ${describe(oneLine(text))}, which is neither a number nor JSON; print a number or {"value": N, "exposure"?: M, "samples"?: [...]}`,
    );
  }
  return toMeasurement(json, "the command printed");
}

/** The last lines of output, for an error message. */
function lastLines(output: string): string {
  const lines = output.trimEnd().split("\n").slice(-5).join("\n");
  if (lines === "") return " (no output)";
  return `; last output:\n${lines.length > 1000 ? `…${lines.slice(-1000)}` : lines}`;
}
