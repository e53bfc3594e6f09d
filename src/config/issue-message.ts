import type { z } from "zod";
import { suggestion } from "./did-you-mean.js";

/** A value as a human sees it in the YAML: "x", 30, a list, a mapping. */
export function describeValue(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "object") return "a mapping";
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

/** zod's own wording; a message that does not start with one of these was written by us in schema.ts. */
const ZOD_DEFAULT =
  /^(Invalid input|Invalid option|Too small|Too big|Invalid string|Invalid URL|Invalid key)/;

function sizeLimit(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, value: unknown): string {
  const small = issue.code === "too_small";
  const limit = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  if (issue.origin === "string") {
    if (small && Number(limit) <= 1) return "must not be empty";
    return `must be ${small ? "at least" : "at most"} ${limit} characters long (got ${describeValue(value)})`;
  }
  if (issue.origin === "array" || issue.origin === "set") {
    const items = Number(limit) === 1 ? "item" : "items";
    if (small && Number(limit) <= 1) return "must not be an empty list";
    return `needs ${small ? "at least" : "at most"} ${limit} ${items} (got ${Array.isArray(value) ? value.length : describeValue(value)})`;
  }
  const bound = small ? (inclusive ? "at least" : "greater than") : inclusive ? "at most" : "less than";
  return `must be ${bound} ${limit} (got ${describeValue(value)})`;
}

/** What went wrong with one value, in words that say what to write instead. */
export function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  const custom = !ZOD_DEFAULT.test(issue.message);
  switch (issue.code) {
    case "invalid_type": {
      if (custom) return `${issue.message} (got ${describeValue(value)})`;
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      return `expected ${expected}, got ${describeValue(value)}`;
    }
    case "too_small":
    case "too_big":
      return custom ? issue.message : sizeLimit(issue, value);
    case "invalid_value": {
      const allowed = issue.values.map(String);
      const hint = typeof value === "string" ? suggestion(value, allowed) : "";
      return `${describeValue(value)} is not allowed${hint}; use one of ${allowed.join(", ")}`;
    }
    case "invalid_format":
      if (issue.format === "url")
        return `${describeValue(value)} is not a URL; write it in full, e.g. "https://hooks.example/escalator"`;
      return custom ? `${describeValue(value)}: ${issue.message}` : `${describeValue(value)} is not valid`;
    default:
      return issue.message;
  }
}
