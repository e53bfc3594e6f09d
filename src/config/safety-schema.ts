import { z } from "zod";
import { duration, durationDescription, name, timeout } from "./schema-primitives.js";

/** "30%" or a whole number of targets. */
const targetLimit = z.union([
  z.string().regex(/^\d+(\.\d+)?%$/, 'a percentage such as "30%", or a whole number of targets'),
  z.number().int().min(0),
]);

export const guardSchema = z
  .strictObject({
    max_failing: targetLimit.default("30%").meta({
      description:
        'Most targets of the group target-scoped levels may act on in one escalation: "30%" or a count',
    }),
    min: z.number().int().min(0).default(1).meta({
      description: "The limit is never below this many targets, so small fleets can still repair one node",
    }),
  })
  .meta({
    description:
      "Blast-radius guard: above the limit, no target-scoped action runs for the group and a human is paged",
  });

export const rateLimitSchema = z.strictObject({
  max: z.number().int().min(1).default(10).meta({ description: "Escalations allowed per window" }),
  per: duration.prefault("1h").meta(durationDescription("The sliding window")),
});

const percent = z.number().min(0).max(100);
export const flappingSchema = z.strictObject({
  low: percent.default(5).meta({ description: "Stops flapping below this percent state change" }),
  high: percent.default(20).meta({ description: "Starts flapping above this percent state change" }),
});

export const maintenanceWindowSchema = z.strictObject({
  cron: z
    .string()
    .min(1)
    .meta({ description: 'When the window opens, a cron expression such as "0 2 * * SUN"' }),
  duration: duration.meta(durationDescription("How long it stays open")),
  reason: z.string().default("scheduled maintenance"),
  timezone: z
    .string()
    .optional()
    .meta({ description: "IANA time zone for the cron expression; default the system's" }),
});

export const alertRouteSchema = z.strictObject({
  name: name.optional().meta({ description: "Check name the alerts appear under; default alert:ALERTNAME" }),
  match: z
    .record(z.string(), z.string())
    .refine((labels) => Object.keys(labels).length > 0, "match needs at least one label")
    .meta({ description: "Labels an alert must carry, exactly, to take this route" }),
  level: name.meta({ description: "Level a firing alert escalates to" }),
  target_label: z
    .string()
    .optional()
    .meta({ description: "Label naming the target, e.g. instance, for per-target levels" }),
});

export const apiSchema = z.strictObject({
  token_file: z
    .string()
    .optional()
    .meta({ description: "File holding the bearer token (relative to this file)" }),
  token_env: z
    .string()
    .default("ESCALATOR_API_TOKEN")
    .meta({ description: "Environment variable holding the bearer token" }),
  public_url: z
    .string()
    .url()
    .optional()
    .meta({ description: "Base URL humans reach the API at; used in pages" }),
  max_body: z
    .number()
    .int()
    .min(1024)
    .default(1_048_576)
    .meta({ description: "Largest request body in bytes" }),
});

export const prometheusProbe = z.strictObject({
  url: z.string().url().meta({ description: "Prometheus base URL, e.g. http://127.0.0.1:9090" }),
  query: z
    .string()
    .min(1)
    .meta({ description: "PromQL; a non-empty result fails unless `condition` is given" }),
  condition: z
    .string()
    .regex(
      /^\s*(<|<=|>|>=|==|!=)\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/,
      'a comparison such as "> 0.9" or "== 0"',
    )
    .optional()
    .meta({ description: "A series fails when its value satisfies this comparison" }),
  target_label: z
    .string()
    .optional()
    .meta({ description: "Label naming the target of each series (needs for_each)" }),
  timeout: timeout.optional(),
});

export const approvalFields = {
  approve: z
    .boolean()
    .default(false)
    .meta({ description: "Wait for `escalator approve` before this level runs" }),
  approve_timeout: duration
    .prefault("15m")
    .meta(durationDescription("Page a human when approval takes longer")),
};

export const scenarioProbe = z.strictObject({
  paths: z
    .array(z.string().min(1))
    .min(1)
    .meta({ description: "Feature files or folders, relative to this file" }),
  target: z.string().url().optional().meta({ description: "Base URL for the built-in HTTP steps" }),
  tags: z
    .string()
    .optional()
    .meta({ description: 'Tag expression selecting scenarios, e.g. "@smoke and not @wip"' }),
  require: z
    .array(z.string().min(1))
    .optional()
    .meta({ description: "Step definition files; default features/**/steps/*" }),
});
