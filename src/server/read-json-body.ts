import type { Context } from "hono";
import type { z } from "zod";
import { errorMessage } from "../util/errors.js";
import { apiError } from "./api-error.js";

export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

const MAX_LISTED_PROBLEMS = 20;

function isJsonMediaType(contentType: string | undefined): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** `alerts[0].fingerprint: expected a string`; the whole body is "body". */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (text, part) =>
        typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part),
      "",
    );
    const missing = issue.code === "invalid_type" && /received undefined$/.test(issue.message);
    return `${path || "body"}: ${missing ? `missing (expected ${issue.expected})` : issue.message}`;
  });
}

/**
 * Reads a request body as JSON and validates it. An empty body counts as `{}`; a non-empty body
 * must be sent as JSON (415), parse (400 MALFORMED_JSON) and match the schema (400 INVALID_BODY,
 * with every problem as "path: message"). The size limit is enforced before this, by bodyLimit.
 */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<BodyResult<z.output<S>>> {
  const text = await c.req.text();
  let input: unknown = {};
  if (text.trim() !== "") {
    const contentType = c.req.header("content-type");
    if (!isJsonMediaType(contentType)) {
      return {
        ok: false,
        response: apiError(
          c,
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          `send the body as Content-Type: application/json (got ${contentType ? `"${contentType}"` : "none"})`,
        ),
      };
    }
    try {
      input = JSON.parse(text);
    } catch (error) {
      return {
        ok: false,
        response: apiError(c, 400, "MALFORMED_JSON", `malformed JSON: ${errorMessage(error)}`),
      };
    }
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = formatIssues(parsed.error.issues);
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const more = problems.length - listed.length;
  const summary = `invalid body: ${listed.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
  return { ok: false, response: c.json({ error: summary, code: "INVALID_BODY", problems: listed }, 400) };
}
