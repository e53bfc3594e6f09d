import { z } from "zod";
import { duration, durationDescription, durationField } from "./schema-primitives.js";

const RATE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:\/\s*(s|m))?\s*$/;

/**
 * An arrival rate in journeys per second: a number, or text "200", "200/s" or "600/m" (per
 * minute). Returns an error message instead when the text is not a positive rate.
 */
export function parseRate(value: string | number): number | { error: string } {
  const what = `${JSON.stringify(value)} is not a rate; write journeys per second such as 200/s (or 600/m)`;
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value : { error: what };
  const match = RATE.exec(value);
  if (!match) return { error: what };
  const n = Number(match[1]) / (match[2] === "m" ? 60 : 1);
  return n > 0 ? n : { error: `${JSON.stringify(value)} is a zero rate; use more than 0/s` };
}

const rate = z
  .union([z.number(), z.string()])
  .meta({ description: 'Open model: journeys started per second, e.g. 200 or "200/s" (or "600/m")' })
  .transform((value, ctx) => {
    const parsed = parseRate(value);
    if (typeof parsed === "number") return parsed;
    ctx.addIssue({ code: "custom", message: parsed.error });
    return z.NEVER;
  });

const positiveInt = (description: string) => z.number().int().min(1).meta({ description });

/**
 * `load:` in escalator.yaml: the defaults of `escalator load`. Keys mirror the command's flags,
 * and flags given on the command line win.
 */
export const loadSchema = z
  .strictObject({
    paths: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .meta({ description: "Feature files or folders, relative to this file. Default: features" }),
    target: z.string().url().optional().meta({ description: "Base URL for the built-in HTTP steps" }),
    tags: z
      .string()
      .optional()
      .meta({ description: 'Tag expression selecting the journeys (scenarios), e.g. "@load and not @wip"' }),
    users: positiveInt("Closed model: virtual users, each running journeys back to back").optional(),
    rate: rate.optional(),
    duration: durationField((ms, text) =>
      ms < 1000 ? `${JSON.stringify(text)} is too short for a load test; use at least 1s` : undefined,
    )
      .optional()
      .meta(durationDescription("How long journeys are started")),
    ramp: duration
      .optional()
      .meta(durationDescription("Linear ramp from 0 to the full users or rate, at the start. Default 0")),
    think_time: duration
      .optional()
      .meta(
        durationDescription(
          "Closed model (users): pause between one user's journeys; not used when --rate is given. Default 0",
        ),
      ),
    connections: positiveInt(
      "Keep-alive connections per origin, across all workers. Default: users, at most 1000 (closed model); 100 (open model)",
    ).optional(),
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: "Worker threads generating load. Default 1" }),
    thresholds: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: 'Pass/fail criteria, e.g. ["p95<300ms", "errors<1%", "rps>=500"]' }),
  })
  .meta({ description: "Defaults for `escalator load`; command-line flags override them" });

export type LoadConfig = z.output<typeof loadSchema>;
