import { z } from "zod";
import { parseDuration } from "../util/duration.js";

const DURATION_HELP = "Duration: a number with a unit ms, s, m, h or d, e.g. 30s, 5m, 1h30m";

/** A duration field's own description, keeping the duration help that editors show. */
export function durationDescription(text: string): { description: string } {
  return { description: `${text}. ${DURATION_HELP}` };
}

/** Node.js timers fire after 1 ms when asked for more than 2^31 - 1 ms. */
export const LONGEST_TIMER_MS = 2_147_483_647;

/** What is wrong with a duration of `ms` milliseconds written as `text`, if anything. */
type DurationRule = (ms: number, text: string) => string | undefined;

/** A duration string such as "30s", resolved to milliseconds and checked against `rule`. */
export function durationField(rule?: DurationRule, options: { timer: boolean } = { timer: true }) {
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
export function atLeast(min: string, what: string): DurationRule {
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
export const retention = durationField(atLeast("1h", "the shortest history retention"), { timer: false });

export const checkInterval = durationField(atLeast("100ms", "the shortest check interval"));
export const targetReadInterval = durationField(
  atLeast("1s", "the shortest interval for re-reading targets"),
);

export const name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    "names use letters, digits, '.', '_' and '-', starting with a letter or digit",
  );

export const argv = z
  .array(z.string(), { error: 'expected an argv array such as ["./ops/deploy.sh", "--fast"]' })
  .min(1, "an argv array needs at least the program to run");

export const envVars = z.record(z.string(), z.string()).meta({ description: "Extra environment variables" });
