import type { Document, LineCounter } from "yaml";
import type { z } from "zod";
import type { ConfigProblem } from "../util/errors.js";
import { suggestion } from "./did-you-mean.js";
import { knownKeysAt } from "./known-keys.js";
import { formatPath, positionOf } from "./yaml-positions.js";

interface SourceMap {
  file: string;
  doc: Document;
  lines: LineCounter;
  schema: z.ZodType;
}

/** What a union expects, in words, by the name of the key that holds it. */
function unionExpectation(path: readonly PropertyKey[]): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === "tcp") return 'expected "host:port" or {host, port}';
  if (last === "ping") return "expected a host name or {host, count}";
  if (last === "status") return "expected an HTTP status code or a list of them";
  if (parent === "targets") return "expected a list of target names, or {command: [argv...], every: 1m}";
  if (parent === "notify") return "expected {command: [argv...]} or {webhook: {url: ...}}";
  return "value does not match any allowed form";
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === "invalid_type" && value === undefined) {
    return `missing required key "${String(issue.path[issue.path.length - 1])}"`;
  }
  if (issue.code === "invalid_type") {
    const got = value === null ? "null" : Array.isArray(value) ? "a list" : typeof value;
    return `${issue.message.replace(/^Invalid input: /, "")} (got ${got})`;
  }
  return issue.message.replace(/^Invalid input: /, "");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** Turns zod issues into file:line:col problems with readable messages. */
export function zodProblems(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  source: SourceMap,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: readonly PropertyKey[], message: string, keyName?: string) => {
    const where = positionOf(source.doc, source.lines, path, keyName);
    const location = formatPath(keyName === undefined ? path : [...path, keyName]);
    problems.push({ file: source.file, ...where, message: `${location}: ${message}` });
  };

  const visit = (issue: z.core.$ZodIssue, base: readonly PropertyKey[]) => {
    const path = [...base, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(source.schema, path);
      for (const key of issue.keys) {
        add(path, `unknown key "${key}"${suggestion(key, known)}`, key);
      }
      return;
    }
    if (issue.code === "invalid_union") {
      const value = valueAt(input, path);
      if (value === undefined) {
        add(path, `missing required key "${String(path[path.length - 1])}"`);
        return;
      }
      // When the value is an object, report the problems of the object-shaped alternative.
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const objectBranch = issue.errors.find(
          (branch) => !branch.some((inner) => inner.code === "invalid_type" && inner.path.length === 0),
        );
        if (objectBranch) {
          for (const inner of objectBranch) visit(inner, path);
          return;
        }
      }
      add(path, unionExpectation(path));
      return;
    }
    add(path, describeIssue(issue, valueAt(input, path)));
  };

  for (const issue of issues) visit(issue, []);
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}
