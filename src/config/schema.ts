import { z } from "zod";
import { loadSchema } from "./load-schema.js";
import { repoSchema } from "./repo-schema.js";
import {
  alertRouteSchema,
  apiSchema,
  approvalFields,
  flappingSchema,
  guardSchema,
  maintenanceWindowSchema,
  prometheusProbe,
  rateLimitSchema,
  scenarioProbe,
} from "./safety-schema.js";
import {
  argv,
  checkInterval,
  duration,
  durationDescription,
  envVars,
  name,
  retention,
  targetReadInterval,
  timeout,
} from "./schema-primitives.js";
import { valueProbe } from "./value-probe-schema.js";
import { valuesSchema } from "./values-schema.js";

export { LONGEST_TIMER_MS, timeout } from "./schema-primitives.js";

/** How a level or fallback runs: an argv array (`run`), or a shell string when a shell is wanted. */
const commandFields = {
  run: argv.optional().meta({
    description:
      "Program and arguments, run without a shell. {{target}}, {{environment}} and {{level}} are substituted per element.",
  }),
  shell: z.string().min(1).optional().meta({
    description: "A /bin/sh script. Placeholders are NOT substituted here; read $ESCALATOR_TARGET instead.",
  }),
  webhook: z
    .strictObject({
      url: z.string().url(),
      headers: z.record(z.string(), z.string()).optional(),
      timeout: timeout.optional(),
    })
    .optional()
    .meta({ description: "POST the step's context as JSON to this URL; any 2xx is success." }),
  env: envVars.optional(),
  cwd: z.string().optional().meta({
    description: "Working directory, relative to the config file. Default: the config file's folder.",
  }),
  timeout: timeout.optional(),
};

export const fallbackSchema = z.strictObject({ ...commandFields });

export const backoffSchema = z.strictObject({
  initial: duration.prefault("1s").meta(durationDescription("First wait")),
  factor: z.number().min(1).default(2),
  max: duration.prefault("1m").meta(durationDescription("Longest wait")),
});

export const levelSchema = z.strictObject({
  name,
  description: z.string().optional(),
  ...commandFields,
  for_each: name
    .optional()
    .meta({ description: "Target group: the level runs once per affected target of this group" }),
  quiescence: duration
    .optional()
    .meta(durationDescription("After this level ran, no further action for this long. Default 0")),
  retries: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(0)
    .meta({ description: "Re-runs of a failed action, with exponential backoff" }),
  backoff: backoffSchema.optional(),
  fallback: fallbackSchema.optional(),
  ...approvalFields,
});

const httpStatus = z.number().int().min(100).max(599);

const httpProbe = z.strictObject({
  url: z.string().min(1),
  method: z.enum(["GET", "HEAD", "POST"]).default("GET"),
  status: z
    .union([httpStatus, z.array(httpStatus).min(1)])
    .optional()
    .meta({ description: "Expected status code(s). Default: any 2xx or 3xx" }),
  contains: z.string().optional().meta({ description: "Text the body must contain" }),
  headers: z.record(z.string(), z.string()).optional(),
  timeout: timeout.optional(),
});

const tcpProbe = z.union([
  z.string().min(1).meta({ description: '"host:port", e.g. "{{target}}:8080"' }),
  z.strictObject({
    host: z.string().min(1),
    port: z.union([z.number().int().min(1).max(65535), z.string()]),
    timeout: timeout.optional(),
  }),
]);

const pingProbe = z.union([
  z.string().min(1).meta({ description: "Host to ping" }),
  z.strictObject({
    host: z.string().min(1),
    count: z.number().int().min(1).max(20).default(1),
    timeout: timeout.optional(),
  }),
]);

export const CHECK_STATES = ["OK", "WARNING", "CRITICAL", "UNKNOWN"] as const;

export const checkSchema = z.strictObject({
  name,
  description: z.string().optional(),
  level: name.meta({ description: "The level this check escalates to when it fails" }),
  for_each: name.optional().meta({ description: "Target group: the check runs once per target" }),
  every: checkInterval.prefault("30s").meta(durationDescription("How often the check runs; at least 100ms")),
  timeout: timeout.prefault("10s").meta(durationDescription("Longest one probe may take; at least 1ms")),
  failures: z
    .number()
    .int()
    .min(1)
    .default(1)
    .meta({ description: "Failing results in a row before the check counts as failing" }),
  successes: z
    .number()
    .int()
    .min(1)
    .default(1)
    .meta({ description: "Passing results in a row before a failing check counts as passing again" }),
  escalate_on: z
    .array(z.enum(["WARNING", "UNKNOWN", "CRITICAL"]))
    .default(["CRITICAL"])
    .meta({ description: "States that require escalation; CRITICAL always does" }),
  http: httpProbe.optional(),
  tcp: tcpProbe.optional(),
  ping: pingProbe.optional(),
  command: argv
    .optional()
    .meta({ description: "A Nagios-protocol plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN" }),
  prometheus: prometheusProbe.optional(),
  scenario: scenarioProbe.optional().meta({
    description: "Gherkin scenarios run as a check; a first failure is retried once before it counts",
  }),
  value: valueProbe.optional().meta({
    description:
      "The features' business value statements judged for the release now serving; not delivered is CRITICAL",
  }),
  env: envVars.optional(),
  depends_on: z
    .array(name)
    .default([])
    .meta({ description: "Parent checks: while one fails, this check's failures are attributed to it" }),
  flapping: z
    .union([flappingSchema, z.literal(false)])
    .optional()
    .meta({ description: "Flap detection thresholds for this check, or false to turn it off" }),
});

const targetCommand = z.strictObject({
  command: argv.meta({ description: "Prints one target per line" }),
  every: targetReadInterval
    .prefault("1m")
    .meta(durationDescription("How often the list is re-read; at least 1s")),
  timeout: timeout.prefault("30s"),
  guard: guardSchema.optional(),
});

const targetList = z.strictObject({
  list: z.array(z.string().min(1)).meta({ description: "The group's targets" }),
  guard: guardSchema.optional(),
});

export const targetGroupSchema = z.union([z.array(z.string().min(1)), targetList, targetCommand]);

export const notifySchema = z.union([
  z.strictObject({ command: argv, env: envVars.optional(), timeout: timeout.optional() }),
  z.strictObject({
    webhook: z.strictObject({
      url: z.string().url(),
      headers: z.record(z.string(), z.string()).optional(),
      timeout: timeout.optional(),
    }),
  }),
]);

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    environment: name.meta({ description: "The environment this file describes" }),
    quiescence: duration
      .prefault("30s")
      .meta(durationDescription("Observation window after the first failure")),
    max_attempts: z
      .number()
      .int()
      .min(1)
      .default(3)
      .meta({ description: "Escalation cycles on one trigger before the engine pages a human and holds" }),
    cycle_backoff: backoffSchema
      .optional()
      .meta({ description: "Wait between escalation cycles when verification fails" }),
    store: z.string().optional().meta({
      description:
        "History database, sqlite:PATH (relative to this file). Default sqlite:.escalator/ENVIRONMENT.db",
    }),
    retention: retention
      .prefault("90d")
      .meta(
        durationDescription("How long finished escalations, transitions and pages are kept; pruned hourly"),
      ),
    guard: guardSchema
      .prefault({})
      .meta({ description: "Default blast-radius guard for target groups without their own" }),
    rate_limit: rateLimitSchema
      .prefault({})
      .meta({ description: "At most `max` escalations per `per`, per environment" }),
    flapping: flappingSchema
      .prefault({})
      .meta({ description: "Default flap detection (percent state change over 21 results)" }),
    maintenance: z.array(maintenanceWindowSchema).default([]),
    alerts: z
      .array(alertRouteSchema)
      .default([])
      .meta({ description: "Routes from Alertmanager alerts to levels" }),
    listen: z
      .string()
      .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'HOST:PORT such as "127.0.0.1:8470"')
      .default("127.0.0.1:8470")
      .meta({ description: "Where the daemon serves its HTTP API" }),
    api: apiSchema.prefault({}),
    targets: z.record(name, targetGroupSchema).default({}),
    levels: z.array(levelSchema).min(1, "declare at least one level"),
    checks: z.array(checkSchema).default([]),
    notify: z.array(notifySchema).default([]),
    values: valuesSchema
      .optional()
      .meta({ description: "Metric definitions for business value statements (as in values.yaml)" }),
    load: loadSchema.optional(),
    repo: repoSchema.optional(),
  })
  .meta({
    title: "escalator.yaml",
    description: "An Escalator environment: escalation ladder, checks and paging",
  });

export type EscalatorConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type LevelConfig = z.output<typeof levelSchema>;
export type CheckConfig = z.output<typeof checkSchema>;
export type FallbackConfig = z.output<typeof fallbackSchema>;
export type BackoffConfig = z.output<typeof backoffSchema>;
export type NotifyConfig = z.output<typeof notifySchema>;
export type TargetGroupConfig = z.output<typeof targetGroupSchema>;
export type CheckState = (typeof CHECK_STATES)[number];
export type GuardConfig = z.output<typeof guardSchema>;
export type AlertRouteConfig = z.output<typeof alertRouteSchema>;
export type MaintenanceWindowConfig = z.output<typeof maintenanceWindowSchema>;
export type FlappingConfig = z.output<typeof flappingSchema>;
export type PrometheusProbeConfig = z.output<typeof prometheusProbe>;

/** The fixed targets of a group, or undefined for a group read by a command. */
export function staticTargets(spec: TargetGroupConfig): string[] | undefined {
  if (Array.isArray(spec)) return spec;
  return "list" in spec ? spec.list : undefined;
}
export type ScenarioProbeConfig = z.output<typeof scenarioProbe>;
export type { RepoConfig } from "./repo-schema.js";
export type { ValueProbeConfig } from "./value-probe-schema.js";
