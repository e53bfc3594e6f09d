import type { ValuesConfig } from "../config/values-schema.js";
import { type LoadError, loadFeatures } from "../features/load-features.js";
import type { StoredMeasurement, ValueStore } from "../store/types.js";
import { errorMessage } from "../util/errors.js";
import { evaluateAssertion } from "./evaluate.js";
import { extractValueStatements, parseStatement } from "./grammar.js";
import { loadValueFunctions } from "./load-value-functions.js";
import { findMetric } from "./load-values.js";
import { metricSourceFor } from "./sources/registry.js";
import type { Assertion, Measurement, Verdict, VerdictName } from "./types.js";

/** One feature's "In order to ..." line, judged for one release. */
export interface ValueResult {
  featureUri: string;
  featureName: string;
  /** Line of the statement in the feature file. */
  line: number;
  statement: string;
  verdict: VerdictName;
  case: Verdict["case"] | "not understood" | "no metric definition";
  explanation: string;
  /** The metric's defined name, when the statement names a defined metric. */
  metric?: string;
  assertion?: Assertion;
  /** Rewrites that would parse, for `not executable`. */
  suggestions?: string[];
  details?: Omit<Verdict, "verdict" | "case" | "explanation">;
}

export interface EvaluateValueOptions {
  paths: readonly string[];
  cwd: string;
  tags?: string;
  release: string;
  /** Compare relative claims with this release instead of the stored previous one. */
  baselineRelease?: string;
  since: Date;
  until: Date;
  values: ValuesConfig & { dir: string };
  environment: string;
  store?: ValueStore;
  now?: () => number;
  signal?: AbortSignal;
  /** Called before each metric is measured (progress on a TTY). */
  onMeasure?: (metric: string) => void;
}

export interface ValueEvaluation {
  release: string;
  since: Date;
  until: Date;
  results: ValueResult[];
  /** Feature files that could not be read or parsed, and value functions that failed to load. */
  errors: LoadError[];
}

type MeasureOutcome = { ok: true; measurement: Measurement } | { ok: false; error: string };

function measurementForStore(m: Measurement): StoredMeasurement {
  return {
    value: m.value,
    ...(m.exposure !== undefined ? { exposure: m.exposure } : {}),
    ...(m.samples !== undefined ? { samples: m.samples } : {}),
  };
}

/** The source line of a description line: descriptions keep their text, so look it up in the file. */
function statementLine(source: string | undefined, text: string, fallback: number): number {
  if (source === undefined) return fallback;
  const wanted = text.trim().toLowerCase();
  const index = source.split(/\r?\n/).findIndex(
    (l) =>
      l
        .trim()
        .toLowerCase()
        .replace(/^in order to\s*/, "")
        .trim() === wanted,
  );
  return index >= 0 ? index + 1 : fallback;
}

/**
 * Judges every feature's value statements for one release: parse, find the metric, measure it,
 * find the baseline, decide, and store the verdict. Never throws for a bad statement or a failing
 * source: those become `not executable` and `inconclusive` results that say why.
 */
export async function evaluateFeatureValues(options: EvaluateValueOptions): Promise<ValueEvaluation> {
  const now = options.now ?? Date.now;
  const signal = options.signal ?? new AbortController().signal;
  const loaded = await loadFeatures({ paths: options.paths, cwd: options.cwd });
  const errors: LoadError[] = [...loaded.errors];
  const needsFunctions = Object.values(options.values.metrics).some((m) => m.function !== undefined);
  const functions = await loadValueFunctions({
    cwd: options.cwd,
    featureDirs: needsFunctions ? loaded.featureDirs : [],
  });
  errors.push(...functions.errors);
  // A feature or value function that failed to load is a usage error (exit 2, UNKNOWN in a check):
  // judge nothing, so nothing is measured or stored for a run that reports itself as not run.
  if (errors.length > 0)
    return { release: options.release, since: options.since, until: options.until, results: [], errors };

  const sources = new Map<string, string>();
  for (const envelope of loaded.envelopes)
    if (envelope.source) sources.set(envelope.source.uri, envelope.source.data);

  const windowMs = options.until.getTime() - options.since.getTime();
  const measured = new Map<string, Promise<MeasureOutcome>>();
  const measure = (metric: string, release: string): Promise<MeasureOutcome> => {
    const key = `${release}\u0000${metric}`;
    let pending = measured.get(key);
    if (pending === undefined) {
      const config = options.values.metrics[metric];
      pending = (async (): Promise<MeasureOutcome> => {
        if (config === undefined) return { ok: false, error: `no metric named ${metric}` };
        options.onMeasure?.(metric);
        try {
          const source = metricSourceFor(metric, config, options.values.dir, functions.registry);
          const measurement = await source.measure({
            release,
            since: options.since,
            until: options.until,
            windowMs,
            signal,
          });
          return { ok: true, measurement };
        } catch (error) {
          return { ok: false, error: errorMessage(error) };
        }
      })();
      measured.set(key, pending);
    }
    return pending;
  };

  const results: ValueResult[] = [];
  for (const [uri, document] of loaded.gherkinDocuments) {
    const feature = document.feature;
    if (!feature) continue;
    for (const found of extractValueStatements(feature.description)) {
      const line = statementLine(sources.get(uri), found.text, feature.location.line + 1 + found.line);
      const base = { featureUri: uri, featureName: feature.name, line, statement: found.text };
      const result = await judge(base, found.text);
      results.push(result);
      if (options.store) {
        await options.store.recordValueEvaluation({
          environment: options.environment,
          featureUri: uri,
          featureName: feature.name,
          statement: found.text,
          metric: result.metric ?? "",
          release: options.release,
          evaluatedAt: now(),
          since: options.since.getTime(),
          until: options.until.getTime(),
          verdict: result.verdict,
          verdictCase: result.case,
          baselineRelease: result.details?.baseline?.release ?? null,
          measurement: result.details?.measured ? measurementForStore(result.details.measured) : null,
          result: { ...result },
        });
      }
    }
  }
  return { release: options.release, since: options.since, until: options.until, results, errors };

  async function judge(
    base: Pick<ValueResult, "featureUri" | "featureName" | "line" | "statement">,
    text: string,
  ): Promise<ValueResult> {
    const parsed = parseStatement(text);
    if (!parsed.ok)
      return {
        ...base,
        verdict: "not executable",
        case: "not understood",
        explanation: `Not executable: ${/[.!?]$/.test(parsed.reason) ? parsed.reason : `${parsed.reason}.`}${
          parsed.suggestions.length > 0
            ? ` Try: ${parsed.suggestions.map((s) => `"In order to ${s}"`).join(" or ")}.`
            : ""
        }`,
        suggestions: parsed.suggestions,
      };
    const assertion = parsed.assertion;
    const metric = findMetric(options.values, assertion.metric);
    if (metric === undefined) {
      const known = Object.keys(options.values.metrics);
      return {
        ...base,
        verdict: "not executable",
        case: "no metric definition",
        assertion,
        explanation: `Not executable: no metric "${assertion.metric}" is defined. Add it under metrics: in the values file${
          known.length > 0 ? ` (defined: ${known.join(", ")})` : ""
        }.`,
      };
    }
    const sourceFailed = (what: string, error: string): ValueResult => ({
      ...base,
      metric: metric.name,
      assertion,
      verdict: "inconclusive",
      case: "source failed",
      explanation: `Inconclusive: ${what} could not be measured: ${error}`,
    });
    const current = await measure(metric.name, options.release);
    if (!current.ok) return sourceFailed(metric.name, current.error);
    let baseline: (Measurement & { release?: string }) | undefined;
    if (assertion.kind === "relative") {
      const stored = await options.store?.findValueBaseline({
        environment: options.environment,
        metric: metric.name,
        release: options.release,
        ...(options.baselineRelease !== undefined ? { baselineRelease: options.baselineRelease } : {}),
      });
      if (stored?.measurement) baseline = { ...stored.measurement, release: stored.release };
      else if (options.baselineRelease !== undefined) {
        const fresh = await measure(metric.name, options.baselineRelease);
        if (!fresh.ok)
          return sourceFailed(`${metric.name} for baseline ${options.baselineRelease}`, fresh.error);
        baseline = { ...fresh.measurement, release: options.baselineRelease };
      }
    }
    const {
      verdict,
      case: verdictCase,
      explanation,
      ...details
    } = evaluateAssertion(assertion, current.measurement, baseline, {
      alpha: options.values.alpha,
      minExposure: options.values.metrics[metric.name]?.min_exposure ?? options.values.min_exposure,
      minSamples: options.values.metrics[metric.name]?.min_samples ?? options.values.min_samples,
      windowMs,
    });
    return { ...base, metric: metric.name, assertion, verdict, case: verdictCase, explanation, details };
  }
}
