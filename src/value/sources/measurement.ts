import { z } from "zod";
import type { Measurement } from "../types.js";

/** A window as sources write it: whole seconds with a unit, at least 1s ("600s"). */
export function windowText(windowMs: number): string {
  return `${windowSeconds(windowMs)}s`;
}

/** The window in whole seconds, at least 1. */
export function windowSeconds(windowMs: number): number {
  return Math.max(1, Math.round(windowMs / 1000));
}

const finite = z.number().refine(Number.isFinite, "must be a finite number");

/** The JSON form of a Measurement, as commands print it and value functions return it. */
export const measurementSchema = z.strictObject({
  value: finite,
  exposure: finite.refine((n) => n >= 0, "must not be negative").optional(),
  samples: z.array(finite).optional(),
});

/**
 * Validates a Measurement-shaped value; a number is `{ value }`. Throws an Error saying what
 * was wrong, with `what` naming where the value came from ("the command printed").
 */
export function toMeasurement(input: unknown, what: string): Measurement {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new Error(`${what} ${input}; a measurement must be a finite number`);
    return { value: input };
  }
  const parsed = measurementSchema.safeParse(input);
  if (parsed.success) {
    const { value, exposure, samples } = parsed.data;
    return { value, ...(exposure === undefined ? {} : { exposure }), ...(samples ? { samples } : {}) };
  }
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ");
  throw new Error(
    `${what} ${describe(input)}, which is not a number or {"value": N, "exposure"?: M, "samples"?: [...]} (${problems})`,
  );
}

/**
 * A database or JSON value as a finite number: numbers, bigints and numeric strings (PostgreSQL
 * returns count(*) and numeric as strings). Throws naming `what` otherwise.
 */
export function toNumber(raw: unknown, what: string): number {
  let value: number | undefined;
  if (typeof raw === "number") value = raw;
  else if (typeof raw === "bigint") value = Number(raw);
  else if (typeof raw === "string" && raw.trim() !== "") value = Number(raw);
  if (value !== undefined && Number.isFinite(value)) return value;
  if (raw === null || raw === undefined) throw new Error(`${what} is ${raw === null ? "NULL" : "missing"}`);
  throw new Error(`${what} is ${describe(raw)}, not a number`);
}

/** A value for an error message, kept short. */
export function describe(value: unknown): string {
  let text: string;
  try {
    text =
      typeof value === "number" || typeof value === "bigint" || value === undefined
        ? String(value)
        : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
