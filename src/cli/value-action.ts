import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { ResolvedConfig } from "../config/load-config.js";
import type { ValuesConfig } from "../config/values-schema.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/types.js";
import { parseDuration } from "../util/duration.js";
import { EscalatorError, errorMessage } from "../util/errors.js";
import { evaluateFeatureValues } from "../value/evaluate-features.js";
import { loadValuesFile } from "../value/load-values.js";
import { junitXml, prettyLines, valueExitCode, valueJson } from "../value/value-report.js";
import { globalOptions, optionalConfig } from "./command-context.js";
import { createOutput } from "./output.js";

export interface ValueOptions {
  release: string;
  baseline?: string;
  window?: string;
  since?: string;
  until?: string;
  values?: string;
  format: string[];
  strict?: boolean;
}

const RELEASE = /^[A-Za-z0-9._:+~^-]{1,128}$/;

function release(text: string, flag: string): string {
  if (!RELEASE.test(text))
    throw new EscalatorError(
      "USAGE",
      `${flag} must be 1 to 128 letters, digits or . _ : + ~ ^ -, such as v1.4.2, got "${text}"`,
    );
  return text;
}

/** An ISO 8601 time, or a duration meaning "that long ago" (2h). */
function timeOption(text: string, flag: string, now: number): Date {
  if (/^\d+(\.\d+)?(ms|s|m|h|d)$/.test(text.trim())) return new Date(now - parseDuration(text));
  // Date.parse alone takes "5" for May 2001: only a text that starts like an ISO 8601 date is a time.
  const at = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at))
    throw new EscalatorError(
      "USAGE",
      `${flag} must be an ISO 8601 time such as 2026-11-27T08:00:00Z, or a duration ago such as 2h, got "${text}"`,
    );
  return new Date(at);
}

function windowOf(options: ValueOptions, now: number): { since: Date; until: Date } {
  if (options.window !== undefined && options.since !== undefined)
    throw new EscalatorError("USAGE", "give --window or --since, not both");
  const until = options.until !== undefined ? timeOption(options.until, "--until", now) : new Date(now);
  let since: Date;
  if (options.since !== undefined) since = timeOption(options.since, "--since", now);
  else {
    let ms: number;
    try {
      ms = parseDuration(options.window ?? "1h");
    } catch {
      throw new EscalatorError(
        "USAGE",
        `--window must be a duration such as 10m or 1h, got "${options.window}"`,
      );
    }
    since = new Date(until.getTime() - ms);
  }
  if (since.getTime() >= until.getTime())
    throw new EscalatorError(
      "USAGE",
      `the window is empty: since ${since.toISOString()} is not before until ${until.toISOString()}`,
    );
  return { since, until };
}

interface Formats {
  pretty: boolean;
  json: boolean;
  junitFiles: string[];
}

function formatsOf(specs: string[], json: boolean): Formats {
  const formats: Formats = { pretty: false, json: false, junitFiles: [] };
  for (const spec of specs) {
    if (spec === "pretty") formats.pretty = true;
    else if (spec === "json") formats.json = true;
    else if (spec.startsWith("junit:") && spec.length > "junit:".length)
      formats.junitFiles.push(spec.slice(6));
    else throw new EscalatorError("USAGE", `--format must be pretty, json or junit:FILE, got "${spec}"`);
  }
  if (!formats.pretty && !formats.json) {
    if (json) formats.json = true;
    else formats.pretty = true;
  }
  return formats;
}

async function valuesFor(
  options: ValueOptions,
  config: ResolvedConfig | undefined,
): Promise<ValuesConfig & { dir: string }> {
  if (options.values !== undefined) return loadValuesFile(options.values);
  if (config?.values) return { ...config.values, dir: config.dir };
  if (existsSync("values.yaml")) return loadValuesFile("values.yaml");
  throw new EscalatorError(
    "USAGE",
    "no metric definitions: pass --values FILE, add values: to escalator.yaml, or create ./values.yaml",
  );
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new EscalatorError("USAGE", `cannot write the JUnit report ${file}: ${errorMessage(error)}`);
  }
}

/** `escalator value`: judges the features' "In order to ..." lines for a release. */
export async function runValue(paths: string[], options: ValueOptions, command: Command): Promise<void> {
  const now = Date.now();
  const releaseName = release(options.release, "--release");
  const baseline = options.baseline !== undefined ? release(options.baseline, "--baseline") : undefined;
  if (baseline === releaseName)
    throw new EscalatorError("USAGE", `--baseline must be another release than --release ${releaseName}`);
  const window = windowOf(options, now);
  const formats = formatsOf(options.format, globalOptions(command).json);
  const config = await optionalConfig(command);
  const values = await valuesFor(options, config);
  const output = createOutput({ json: formats.json });
  const progress = Boolean(process.stderr.isTTY) && !process.env.CI;

  let store: Store | undefined;
  try {
    store = config
      ? await openStore(config.storeUrl, { baseDir: config.dir })
      : await openStore("sqlite:.escalator/values.db", { baseDir: process.cwd() });
  } catch (error) {
    throw new EscalatorError("USAGE", `cannot open the store to keep verdicts: ${errorMessage(error)}`);
  }
  try {
    const evaluation = await evaluateFeatureValues({
      paths,
      cwd: process.cwd(),
      release: releaseName,
      ...(baseline !== undefined ? { baselineRelease: baseline } : {}),
      ...window,
      values,
      environment: config?.environment ?? "default",
      store,
      onMeasure: (metric) => {
        if (progress) process.stderr.write(`measuring ${metric} for ${releaseName}…\n`);
      },
    });
    const strict = options.strict ?? false;
    process.exitCode = valueExitCode(evaluation, strict);
    if (formats.json) output.data(valueJson(evaluation, strict));
    if (evaluation.errors.length > 0) {
      // Nothing was judged: say why, and leave no report that looks like an empty success.
      for (const error of evaluation.errors) {
        const where = error.line
          ? `${error.uri}:${error.line} `
          : error.message.includes(error.uri)
            ? ""
            : `${error.uri} `;
        output.error(`${where}${error.message}`);
      }
      const n = evaluation.errors.length;
      output.error(`${n} problem${n === 1 ? "" : "s"}; nothing was judged.`);
      return;
    }
    for (const file of formats.junitFiles) writeAtomically(file, junitXml(evaluation, strict));
    if (formats.pretty) for (const line of prettyLines(evaluation, output)) output.line(line);
  } finally {
    await store.close();
  }
}
