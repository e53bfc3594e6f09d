import { z } from "zod";
import { parseDuration } from "../util/duration.js";

const DURATION_HELP = "Duration: a number with a unit ms, s, m, h or d, e.g. 30s, 5m, 1h30m";

/** A duration field's own description, keeping the duration help that editors show. */
function durationDescription(text: string): { description: string } {
  return { description: `${text}. ${DURATION_HELP}` };
}

/** Node.js timers fire after 1 ms when asked for more than 2^31 - 1 ms. */
export const LONGEST_TIMER_MS = 2_147_483_647;

/** What is wrong with a duration of `ms` milliseconds written as `text`, if anything. */
type DurationRule = (ms: number, text: string) => string | undefined;

/** A duration string such as "30s", resolved to milliseconds and checked against `rule`. */
function durationField(rule?: DurationRule, options: { timer: boolean } = { timer: true }) {
  return z
    .string({ error: 'expected a duration string with a unit, e.g. "30s", "5m", "500ms"' })
    .meta({
      description: DURATION_HELP,
      pattern: "^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$",
    })
    .transform((text, ctx) => {
      let ms: number;
      try {
        ms = parseDuration(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
      const problem =
        options.timer && ms > LONGEST_TIMER_MS
          ? `${JSON.stringify(text)} is longer than the longest timer Node.js supports (24d20h31m); use 24d or less`
          : rule?.(ms, text);
      if (problem === undefined) return ms;
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    });
}

/** At least `min` ms: a shorter interval would keep a CPU busy for nothing. */
function atLeast(min: string, what: string): DurationRule {
  const minMs = parseDuration(min);
  return (ms, text) =>
    ms < minMs ? `${JSON.stringify(text)} is shorter than ${what} (${min}); use ${min} or more` : undefined;
}

/** Any duration Node.js timers can wait for, zero included. */
export const duration = durationField();

/** A timeout: zero would silently mean no timeout at all. */
export const timeout = durationField((ms, text) =>
  ms < 1
    ? `${JSON.stringify(text)} is a zero timeout, which would mean no timeout at all; use at least 1ms`
    : undefined,
);

/** How long history is kept: not a timer, so longer than 24 days is fine. */
const retention = durationField(atLeast("1h", "the shortest history retention"), { timer: false });

const checkInterval = durationField(atLeast("100ms", "the shortest check interval"));
const targetReadInterval = durationField(atLeast("1s", "the shortest interval for re-reading targets"));

const name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    "names use letters, digits, '.', '_' and '-', starting with a letter or digit",
  );

const argv = z
  .array(z.string(), { error: 'expected an argv array such as ["./ops/deploy.sh", "--fast"]' })
  .min(1, "an argv array needs at least the program to run");

const envVars = z.record(z.string(), z.string()).meta({ description: "Extra environment variables" });

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
  env: envVars.optional(),
});

const targetCommand = z.strictObject({
  command: argv.meta({ description: "Prints one target per line" }),
  every: targetReadInterval
    .prefault("1m")
    .meta(durationDescription("How often the list is re-read; at least 1s")),
  timeout: timeout.prefault("30s"),
});

export const targetGroupSchema = z.union([z.array(z.string().min(1)), targetCommand]);

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
    targets: z.record(name, targetGroupSchema).default({}),
    levels: z.array(levelSchema).min(1, "declare at least one level"),
    checks: z.array(checkSchema).default([]),
    notify: z.array(notifySchema).default([]),
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
