import { isDeepStrictEqual } from "node:util";
import { describeJson, truncate } from "./failure-text.js";
import type { HttpResponseRecord } from "./http-world.js";
import { parseExpectedJson, queryJson } from "./json-query.js";

function from(response: HttpResponseRecord): string {
  return `${response.method} ${response.url}`;
}

export function assertStatus(response: HttpResponseRecord, expected: number): void {
  if (response.status === expected) return;
  throw new Error(
    `expected status ${expected} but got ${response.status} from ${from(response)}; the body was: ${truncate(response.body)}`,
  );
}

export function assertBodyContains(response: HttpResponseRecord, text: string): void {
  if (response.body.includes(text)) return;
  throw new Error(
    `expected the response from ${from(response)} to contain ${JSON.stringify(text)}, but it does not; the body was: ${truncate(response.body)}`,
  );
}

export function assertBodyLacks(response: HttpResponseRecord, text: string): void {
  const at = response.body.indexOf(text);
  if (at === -1) return;
  const context = response.body.slice(Math.max(0, at - 100), at + text.length + 100);
  throw new Error(
    `expected the response from ${from(response)} not to contain ${JSON.stringify(text)}, but it does at character ${at}: ${truncate(context)}`,
  );
}

/** A header's value; repeated headers are joined with ", " as HTTP allows. */
function headerValue(response: HttpResponseRecord, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

function missingHeader(response: HttpResponseRecord, name: string, wanted: string): Error {
  const sent = Object.keys(response.headers).sort().join(", ") || "none";
  return new Error(
    `expected response header ${JSON.stringify(name)} ${wanted}, but ${from(response)} sent no such header; headers sent: ${sent}`,
  );
}

export function assertHeaderIs(response: HttpResponseRecord, name: string, expected: string): void {
  const actual = headerValue(response, name);
  if (actual === undefined) throw missingHeader(response, name, `to be ${JSON.stringify(expected)}`);
  if (actual === expected) return;
  throw new Error(
    `expected response header ${JSON.stringify(name)} to be ${JSON.stringify(expected)} but got ${JSON.stringify(actual)} from ${from(response)}`,
  );
}

export function assertHeaderContains(response: HttpResponseRecord, name: string, expected: string): void {
  const actual = headerValue(response, name);
  if (actual === undefined) throw missingHeader(response, name, `to contain ${JSON.stringify(expected)}`);
  if (actual.includes(expected)) return;
  throw new Error(
    `expected response header ${JSON.stringify(name)} to contain ${JSON.stringify(expected)} but got ${JSON.stringify(actual)} from ${from(response)}`,
  );
}

/** The value at a JSONPath, or a clear error naming the path, the request and the body. */
export function requireJsonAt(response: HttpResponseRecord, path: string, wanted: string): unknown {
  const result = queryJson(response, path);
  if (result.found) return result.value;
  throw new Error(
    `expected the JSON at ${path} ${wanted}, but nothing in the response from ${from(response)} matches ${path}; the body was: ${truncate(response.body)}`,
  );
}

/**
 * The expected text is parsed as JSON when it is valid JSON ("5", "true", "[1,2]", "{\"a\":1}",
 * "\"5\""), otherwise it is the string itself; the comparison is deep.
 */
export function assertJsonIs(response: HttpResponseRecord, path: string, expectedText: string): void {
  const expected = parseExpectedJson(expectedText);
  const actual = requireJsonAt(response, path, `to be ${describeJson(expected)}`);
  if (isDeepStrictEqual(actual, expected)) return;
  const hint =
    typeof actual === "string" && actual === expectedText
      ? `; the expected text is read as JSON, so to expect the string write it in JSON quotes: '${JSON.stringify(expectedText)}'`
      : "";
  throw new Error(
    `expected the JSON at ${path} to be ${describeJson(expected)} but got ${describeJson(actual)} from ${from(response)}${hint}`,
  );
}

export function assertJsonItemCount(response: HttpResponseRecord, path: string, expected: number): void {
  const actual = requireJsonAt(response, path, `to have ${expected} items`);
  if (!Array.isArray(actual)) {
    throw new Error(
      `expected the JSON at ${path} to have ${expected} items, but it is not an array: ${describeJson(actual)} from ${from(response)}`,
    );
  }
  if (actual.length === expected) return;
  throw new Error(
    `expected the JSON at ${path} to have ${expected} items but it has ${actual.length} from ${from(response)}: ${truncate(JSON.stringify(actual))}`,
  );
}

export function assertFasterThan(response: HttpResponseRecord, limitMs: number): void {
  if (response.elapsedMs < limitMs) return;
  throw new Error(
    `expected the response time to be less than ${limitMs} ms but ${from(response)} took ${Math.round(response.elapsedMs)} ms`,
  );
}
