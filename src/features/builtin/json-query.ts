import { JSONPath } from "jsonpath-plus";
import type { HttpResponseRecord } from "./http-world.js";

/** What a JSONPath found in a response: nothing, one value, or every match as an array. */
export type JsonQueryResult = { found: false } | { found: true; value: unknown; matches: number };

/**
 * Evaluates a JSONPath such as `$.items[0].name` against the last response's JSON.
 * One match gives that value; several (`$.items[*].name`) give the array of matches.
 */
export function queryJson(response: HttpResponseRecord, path: string): JsonQueryResult {
  const json = response.json();
  if (!path.startsWith("$")) {
    throw new Error(`${JSON.stringify(path)} is not a JSONPath; start it with "$", e.g. "$.items[0].name"`);
  }
  let matches: unknown[];
  try {
    matches = JSONPath({ path, json: json as object, wrap: true }) as unknown[];
  } catch (error) {
    throw new Error(`the JSONPath ${JSON.stringify(path)} is invalid: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (matches.length === 0) return { found: false };
  return { found: true, value: matches.length === 1 ? matches[0] : matches, matches: matches.length };
}

/** The expected text of `the JSON at ... should be ...`: JSON when it parses, otherwise a string. */
export function parseExpectedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
