import type { Context } from "hono";
import { z } from "zod";
import type { EscalationStatus } from "../store/types.js";
import { apiError } from "./api-error.js";
import { formatIssues } from "./read-json-body.js";

/** The escalation statuses `?outcome=` accepts. */
export const ESCALATION_OUTCOMES = [
  "running",
  "succeeded",
  "failed",
  "stuck",
  "interrupted",
  "dry-run",
  "blocked",
  "rejected",
] as const satisfies readonly EscalationStatus[];

const limit = z
  .string()
  .regex(/^\d+$/, "limit must be a whole number from 1 to 1000")
  .transform(Number)
  .pipe(z.number().int().min(1, "limit must be at least 1").max(1000, "limit must be at most 1000"))
  .default(50);

const cursor = (what: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,15}$/, `before must be a positive whole number (${what})`)
    .transform(Number)
    .optional();

const name = (param: string) =>
  z
    .string()
    .min(1, `${param} must not be empty`)
    .max(200, `${param} must be at most 200 characters`)
    .optional();

/**
 * The escalations' cursor: `<startedAt>:<id>` of the last escalation shown (the list is ordered by
 * start time, then id, both descending), or a plain `<startedAt>` (exclusive; older clients).
 */
const escalationCursor = z
  .string()
  .regex(
    /^[1-9]\d{0,15}(:.{1,200})?$/,
    "before must be <startedAt>:<id> of the last escalation shown, or a start time in ms since the epoch",
  )
  .transform((text) => {
    const colon = text.indexOf(":");
    return colon < 0
      ? { startedAt: Number(text) }
      : { startedAt: Number(text.slice(0, colon)), id: text.slice(colon + 1) };
  })
  .optional();

/** `GET /api/v1/escalations?limit=&outcome=&level=&before=` */
export const escalationsQuery = z.strictObject({
  limit,
  outcome: z
    .enum(ESCALATION_OUTCOMES, { error: `outcome must be one of ${ESCALATION_OUTCOMES.join(", ")}` })
    .optional(),
  level: name("level"),
  before: escalationCursor,
});

/** `GET /api/v1/transitions?limit=&check=&target=&before=` (target "" means environment-wide). */
export const transitionsQuery = z.strictObject({
  limit,
  check: name("check"),
  target: z.string().max(200, "target must be at most 200 characters").optional(),
  before: cursor("the id of the last transition shown"),
});

/**
 * Validates a request's query string; on failure the 400 names each bad parameter and what it
 * accepts (an unknown parameter is named with the ones that are known).
 */
export function parseQuery<S extends z.ZodObject>(
  c: Context,
  schema: S,
): { ok: true; value: z.output<S> } | { ok: false; response: Response } {
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return { ok: true, value: parsed.data };
  const known = Object.keys(schema.shape).join(", ");
  const problems = parsed.error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => `${key}: unknown query parameter (known: ${known})`)
      : formatIssues([issue]),
  );
  return { ok: false, response: apiError(c, 400, "INVALID_QUERY", problems.join("; ")) };
}

/** `GET /api/v1/verdicts?limit=&release=` */
export const verdictsQuery = z.strictObject({ limit, release: name("release") });
