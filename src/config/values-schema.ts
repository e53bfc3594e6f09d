import { z } from "zod";
import { argv, durationDescription, timeout } from "./schema-primitives.js";

/** The keys that name a metric's source; a metric has exactly one of them. */
export const METRIC_SOURCE_KINDS = ["prometheus", "sql", "http", "command", "function"] as const;
export type MetricSourceKind = (typeof METRIC_SOURCE_KINDS)[number];

const prometheusSource = z.strictObject({
  url: z.string().url().meta({ description: "Prometheus base URL, e.g. http://127.0.0.1:9090" }),
  query: z.string().min(1).meta({
    description:
      "PromQL evaluated at the end of the window; $release and $window (e.g. 600s) are substituted. Must return one series or a scalar",
  }),
  exposure: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "PromQL for the exposure the value counts against (sums, requests)" }),
});

const sqlSource = z.strictObject({
  url: z
    .string()
    .regex(
      /^(sqlite:.+|postgres(ql)?:\/\/.+)$/,
      "a database URL: sqlite:PATH (relative to the values file) or postgres://user@host:port/db",
    )
    .meta({ description: "sqlite:PATH (opened read-only, relative to the values file) or postgres://..." }),
  query: z.string().min(1).meta({
    description:
      "SQL with optional :release, :since and :until (ISO 8601). One row with a `value` (or only) column and an optional `exposure` column, or rows with a `sample` column",
  }),
});

const httpSource = z
  .strictObject({
    url: z
      .string()
      .regex(/^https?:\/\/.+/, "an http(s) URL such as http://127.0.0.1:8080/stats?release=$release")
      .meta({ description: "GET this URL; $release and $window are substituted, URL-encoded" }),
    json_path: z.string().min(1).optional().meta({ description: "JSONPath to the value, e.g. $.errors" }),
    exposure_path: z.string().min(1).optional().meta({ description: "JSONPath to the exposure" }),
    samples_path: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "JSONPath to the samples: an array of numbers, or every number it matches" }),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .superRefine((source, ctx) => {
    if (source.json_path === undefined && source.samples_path === undefined) {
      ctx.addIssue({ code: "custom", message: "needs json_path (the value) or samples_path (the samples)" });
    }
  });

/** What is wrong with a metric's source keys, if anything: none, or more than one. */
export function metricSourceProblem(metric: unknown): string | undefined {
  if (metric === null || typeof metric !== "object" || Array.isArray(metric)) return undefined;
  const present = METRIC_SOURCE_KINDS.filter(
    (kind) => (metric as Record<string, unknown>)[kind] !== undefined,
  );
  if (present.length === 1) return undefined;
  if (present.length === 0) {
    return "needs a source: one of prometheus: {url, query}, sql: {url, query}, http: {url, json_path}, command: [argv...] or function: true";
  }
  return `has ${present.join(" and ")}; a metric has exactly one source (prometheus, sql, http, command or function)`;
}

export const metricSchema = z
  .strictObject({
    description: z.string().optional(),
    aliases: z
      .array(z.string().min(1))
      .default([])
      .meta({ description: "Other phrases for this metric in business value statements" }),
    min_exposure: z
      .number()
      .min(0)
      .optional()
      .meta({ description: "Below this exposure the verdict is inconclusive. Default: the top-level one" }),
    min_samples: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "Fewest samples per side for a distribution test. Default: the top-level one" }),
    timeout: timeout
      .prefault("30s")
      .meta(durationDescription("Longest one measurement may take. Default 30s")),
    prometheus: prometheusSource.optional(),
    sql: sqlSource.optional(),
    http: httpSource.optional(),
    command: argv.optional().meta({
      description:
        "Program and arguments, run without a shell; {{release}}, {{window}}, {{since}}, {{until}} are substituted per element. Prints a number or JSON {value, exposure?, samples?}",
    }),
    function: z
      .literal(true, { error: "function: true is the only form; name the function after the metric" })
      .optional()
      .meta({ description: "Measured by defineValue('<metric>', ...) in features/**/values/*.ts" }),
  })
  .superRefine((metric, ctx) => {
    const problem = metricSourceProblem(metric);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });

export const valuesSchema = z
  .strictObject({
    $schema: z.string().optional(),
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.05)
      .meta({ description: "Significance level of the statistical tests. Default 0.05" }),
    min_exposure: z
      .number()
      .min(0)
      .default(1)
      .meta({ description: "Below this exposure a verdict is inconclusive. Default 1" }),
    min_samples: z
      .number()
      .int()
      .min(1)
      .default(10)
      .meta({ description: "Fewest samples per side for a distribution test. Default 10" }),
    metrics: z
      .record(z.string().min(1), metricSchema)
      .meta({ description: "Metrics by the phrase used in business value statements" }),
  })
  .meta({
    title: "values.yaml",
    description: "Metric definitions that make business value statements executable",
  });

export type ValuesInput = z.input<typeof valuesSchema>;
/** The parsed `values.yaml` (or `values:` in escalator.yaml). Timeouts are in ms. */
export type ParsedValues = z.output<typeof valuesSchema>;
/** A parsed `values.yaml` and the folder that relative paths in its sources resolve against. */
export type ValuesConfig = ParsedValues & {
  /** Absolute folder of the file the metrics were defined in. */
  dir: string;
  /** Absolute path of that file, when it was loaded from one. */
  file?: string;
};
export type MetricConfig = z.output<typeof metricSchema>;
export type PrometheusSourceConfig = z.output<typeof prometheusSource>;
export type SqlSourceConfig = z.output<typeof sqlSource>;
export type HttpSourceConfig = z.output<typeof httpSource>;
