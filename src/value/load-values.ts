import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type Document, LineCounter, parseDocument } from "yaml";
import {
  type MetricConfig,
  metricSourceProblem,
  type ParsedValues,
  type ValuesConfig,
  valuesSchema,
} from "../config/values-schema.js";
import { formatPath, positionOf } from "../config/yaml-positions.js";
import { yamlProblems } from "../config/yaml-problems.js";
import { zodProblems } from "../config/zod-problems.js";
import { ConfigError, type ConfigProblem, EscalatorError } from "../util/errors.js";
import { samePhrase } from "./phrase.js";

/** A metric found for a phrase: its name as written in values.yaml and its definition. */
export interface FoundMetric {
  name: string;
  config: MetricConfig;
}

/**
 * Loads and validates a values.yaml. Throws ConfigError listing every problem with file:line:col,
 * or CONFIG_NOT_FOUND. Relative paths in sources resolve later, against the returned `dir`.
 */
export async function loadValuesFile(file: string): Promise<ValuesConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new EscalatorError(
      "CONFIG_NOT_FOUND",
      `${file}: ${reason}; metric definitions live in values.yaml`,
      {
        cause: error,
      },
    );
  }
  const result = parseValuesText(text, file);
  if (result.values === undefined) throw new ConfigError(result.problems);
  return result.values;
}

/** Parses and validates values.yaml text, collecting every problem rather than stopping at the first. */
export function parseValuesText(
  text: string,
  file: string,
): { values: ValuesConfig; problems: [] } | { values: undefined; problems: ConfigProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { values: undefined, problems: yamlProblems(doc.errors, text, lines, file) };
  }
  if (doc.contents === null) {
    const message = "the file is empty; a values.yaml needs at least metrics: {NAME: {SOURCE: ...}}";
    return { values: undefined, problems: [{ file, line: 1, col: 1, message }] };
  }
  const input: unknown = doc.toJS();
  const parsed = valuesSchema.safeParse(input);
  const at = (path: readonly PropertyKey[], message: string): ConfigProblem => ({
    file,
    ...positionOf(doc, lines, path),
    message: `${formatPath(path)}: ${message}`,
  });
  // Checked on the raw input too, so a metric with a typo and two sources reports both at once.
  const sources = sourceProblems(input).map((p) => at(p.path, p.message));
  const phrases = parsed.success ? phraseProblems(parsed.data, doc, lines, file) : [];
  if (!parsed.success) {
    const shape = zodProblems(parsed.error.issues, input, { file, doc, lines, schema: valuesSchema });
    return { values: undefined, problems: merged(shape, sources) };
  }
  if (phrases.length > 0) return { values: undefined, problems: merged(phrases) };
  return { values: { ...parsed.data, file: resolve(file), dir: dirname(resolve(file)) }, problems: [] };
}

/**
 * The metric a phrase names: by its name or one of its aliases, regardless of case and of
 * singular or plural ("mistake" finds "silly mistakes" only through an alias "mistakes").
 */
export function findMetric(values: Pick<ParsedValues, "metrics">, phrase: string): FoundMetric | undefined {
  for (const [name, config] of Object.entries(values.metrics)) {
    if (samePhrase(name, phrase) || config.aliases.some((alias) => samePhrase(alias, phrase))) {
      return { name, config };
    }
  }
  return undefined;
}

function sourceProblems(input: unknown): { path: PropertyKey[]; message: string }[] {
  const metrics = (input as { metrics?: unknown } | null)?.metrics;
  if (metrics === null || typeof metrics !== "object" || Array.isArray(metrics)) return [];
  return Object.entries(metrics as Record<string, unknown>).flatMap(([name, metric]) => {
    const message = metricSourceProblem(metric);
    return message === undefined ? [] : [{ path: ["metrics", name], message }];
  });
}

/** Two metrics (names or aliases) that one phrase would match: findMetric could not tell them apart. */
function phraseProblems(
  values: ParsedValues,
  doc: Document,
  lines: LineCounter,
  file: string,
): ConfigProblem[] {
  const seen: { phrase: string; metric: string }[] = [];
  const problems: ConfigProblem[] = [];
  for (const [name, metric] of Object.entries(values.metrics)) {
    for (const [index, phrase] of [name, ...metric.aliases].entries()) {
      const other = seen.find((s) => s.metric !== name && samePhrase(s.phrase, phrase));
      seen.push({ phrase, metric: name });
      if (other === undefined) continue;
      const where =
        index === 0
          ? positionOf(doc, lines, ["metrics"], name)
          : positionOf(doc, lines, ["metrics", name, "aliases", index - 1]);
      const what = index === 0 ? "the name" : `the alias "${phrase}"`;
      const theirs = other.phrase === other.metric ? "" : ` (alias "${other.phrase}")`;
      problems.push({
        file,
        ...where,
        message: `metrics.${name}: ${what} reads the same as metric "${other.metric}"${theirs}; a phrase must name one metric`,
      });
    }
  }
  return problems;
}

/** Sorted by place, each problem once. */
function merged(...batches: ConfigProblem[][]): ConfigProblem[] {
  const unique = new Map(batches.flat().map((p) => [`${p.line}:${p.col}:${p.message}`, p]));
  return [...unique.values()].sort((a, b) => a.line - b.line || a.col - b.col);
}
