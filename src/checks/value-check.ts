import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ValueProbeConfig } from "../config/schema.js";
import { formatDuration } from "../util/duration.js";
import { errorMessage } from "../util/errors.js";
import { runProcess } from "../util/run-process.js";
import { evaluateFeatureValues, type ValueResult } from "../value/evaluate-features.js";
import { loadValuesFile } from "../value/load-values.js";
import type { Check, CheckContext, CheckResult } from "./types.js";

const RELEASE = /^[A-Za-z0-9._:+~^-]{1,128}$/;

/** The release a value check has seen serving, since when, and its verdict once judged. */
interface ReleaseWindow {
  release: string;
  since: number;
  verdict?: CheckResult;
}

/**
 * One entry per value check (by config folder, environment and name). A daemon restart starts a
 * fresh window: judging later, never on a partial window.
 */
const windows = new Map<string, ReleaseWindow>();

async function readRelease(probe: ValueProbeConfig, ctx: CheckContext, signal: AbortSignal): Promise<string> {
  let text: string;
  if ("file" in probe.release) {
    text = await readFile(path.resolve(ctx.cwd, probe.release.file), "utf8");
  } else {
    const outcome = await runProcess(
      { argv: probe.release.command },
      { cwd: ctx.cwd, timeoutMs: ctx.timeoutMs, signal, outputLimit: 4096 },
    );
    if (outcome.exitCode !== 0)
      throw new Error(
        `release command ${probe.release.command.join(" ")} ${
          outcome.spawnError ?? `exited ${outcome.exitCode ?? outcome.signal}`
        }: ${outcome.output.trim().split("\n").slice(-1)[0] ?? ""}`,
      );
    text = outcome.stdout;
  }
  const release = text.split(/\r?\n/)[0]?.trim() ?? "";
  if (!RELEASE.test(release))
    throw new Error(
      `the release must be 1 to 128 letters, digits or . _ : + ~ ^ -, got ${JSON.stringify(release.slice(0, 80))}`,
    );
  return release;
}

function statementText(r: ValueResult): string {
  return `In order to ${r.statement.replace(/^in order to\s+/i, "")}`;
}

/** An explanation on one line for the check's message (a failed source's carries its output lines). */
function oneLine(explanation: string): string {
  return explanation.replace(/\s*\n\s*/g, " ");
}

function toCheckResult(
  release: string,
  results: ValueResult[],
  errors: string[],
  durationMs: number,
): CheckResult {
  const failed = results.filter((r) => r.verdict === "not delivered");
  const notExecutable = results.filter((r) => r.verdict === "not executable");
  const count = (name: ValueResult["verdict"]) => results.filter((r) => r.verdict === name).length;
  const tally = `${count("delivered")} delivered, ${failed.length} not delivered, ${count("inconclusive")} inconclusive, ${notExecutable.length} not executable`;
  const longOutput = results
    .map((r) => `${r.verdict}: ${statementText(r)} (${r.featureUri}:${r.line}) - ${r.explanation}`)
    .concat(errors)
    .join("\n");
  const perfdata = (["delivered", "not delivered", "inconclusive", "not executable"] as const).map(
    (name) => ({
      label: name.replace(" ", "_"),
      value: count(name),
      uom: "",
    }),
  );
  const base = { perfdata, durationMs, longOutput };
  if (errors.length > 0)
    return {
      ...base,
      state: "UNKNOWN",
      message: `ESCALATOR VALUE UNKNOWN - release ${release}: ${errors[0]}`,
    };
  const first = failed[0];
  if (first)
    return {
      ...base,
      state: "CRITICAL",
      message: `ESCALATOR VALUE CRITICAL - release ${release} does not deliver: ${statementText(first)}: ${oneLine(first.explanation)} (${tally})`,
    };
  const firstNotExecutable = notExecutable[0];
  if (firstNotExecutable)
    return {
      ...base,
      state: "WARNING",
      message: `ESCALATOR VALUE WARNING - release ${release}: ${statementText(firstNotExecutable)}: ${oneLine(firstNotExecutable.explanation)} (${tally})`,
    };
  const inconclusive = results.find((r) => r.verdict === "inconclusive");
  return {
    ...base,
    state: "OK",
    message: `ESCALATOR VALUE OK - release ${release}: ${tally}${
      inconclusive ? `; ${statementText(inconclusive)}: ${oneLine(inconclusive.explanation)}` : ""
    }`,
  };
}

/**
 * The immune system: judges the features' value statements for the release now serving, once,
 * over a fixed window after it started serving (repeated looks would inflate false alarms).
 * `not delivered` is CRITICAL, so the check's level (a rollback) runs; `inconclusive` is OK and
 * says so; `not executable` is WARNING. Until the window has passed the check is OK ("judging").
 */
export const valueCheck: Check = {
  kind: "value",
  async run(ctx, signal): Promise<CheckResult> {
    const started = Date.now();
    const probe = ctx.check.value;
    // The message stays one line (status tables, pages); every line of a multi-line error goes to longOutput.
    const unknown = (text: string): CheckResult => {
      const [first = "", ...more] = text.split("\n");
      return {
        state: "UNKNOWN",
        message: `ESCALATOR VALUE UNKNOWN - ${first}${
          more.length > 0 ? ` (and ${more.length} more problem${more.length === 1 ? "" : "s"})` : ""
        }`,
        perfdata: [],
        durationMs: Date.now() - started,
        ...(more.length > 0 ? { longOutput: text } : {}),
      };
    };
    if (!probe) return unknown("value check without a value probe");

    let release: string;
    try {
      release = await readRelease(probe, ctx, signal);
    } catch (error) {
      return unknown(`cannot read the release now serving: ${errorMessage(error)}`);
    }
    const key = `${ctx.cwd}\u0000${ctx.environment}\u0000${ctx.check.name}`;
    let window = windows.get(key);
    if (window === undefined || window.release !== release) {
      window = { release, since: started };
      windows.set(key, window);
    }
    if (window.verdict) return window.verdict;
    const judgedAt = window.since + probe.window;
    if (started < judgedAt)
      return {
        state: "OK",
        message: `ESCALATOR VALUE OK - release ${release} serving for ${formatDuration(started - window.since)}; judged when its ${formatDuration(probe.window)} window ends, in ${formatDuration(judgedAt - started)}`,
        perfdata: [],
        durationMs: Date.now() - started,
      };

    let values: Awaited<ReturnType<typeof loadValuesFile>>;
    try {
      if (probe.values !== undefined) values = await loadValuesFile(path.resolve(ctx.cwd, probe.values));
      else if (ctx.values?.config) values = { ...ctx.values.config, dir: ctx.cwd };
      else return unknown("no metric definitions: set value.values, or add a values: section to the config");
    } catch (error) {
      return unknown(errorMessage(error));
    }
    const evaluation = await evaluateFeatureValues({
      paths: probe.paths,
      cwd: ctx.cwd,
      release,
      since: new Date(window.since),
      until: new Date(judgedAt),
      values,
      environment: ctx.environment,
      ...(ctx.values?.store ? { store: ctx.values.store } : {}),
      signal,
    });
    const errors = evaluation.errors.map((e) =>
      e.line
        ? `${e.uri}:${e.line} ${e.message}`
        : e.message.includes(e.uri)
          ? e.message
          : `${e.uri} ${e.message}`,
    );
    const result = toCheckResult(release, evaluation.results, errors, Date.now() - started);
    // A source that failed (Prometheus down) is asked again next time, over the same fixed window.
    const retry =
      signal.aborted || errors.length > 0 || evaluation.results.some((r) => r.case === "source failed");
    if (!retry) window.verdict = result;
    return result;
  },
};
