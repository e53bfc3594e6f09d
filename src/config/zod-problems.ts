import type { Document, LineCounter } from "yaml";
import type { z } from "zod";
import type { ConfigProblem } from "../util/errors.js";
import { didYouMean } from "./did-you-mean.js";
import { describeValue, issueMessage } from "./issue-message.js";
import { knownKeysAt } from "./known-keys.js";
import { formatPath, positionOf } from "./yaml-positions.js";

interface SourceMap {
  file: string;
  doc: Document;
  lines: LineCounter;
  schema: z.ZodType;
}

type Issue = z.core.$ZodIssue;

/** What a union expects, in words, by the name of the key that holds it. */
function unionExpectation(path: readonly PropertyKey[]): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === "tcp") return 'expected "host:port" or {host: ..., port: ...}';
  if (last === "ping") return "expected a host name or {host: ..., count: ...}";
  if (last === "status")
    return "expected an HTTP status code such as 200, or a list of them such as [200, 204]";
  if (last === "port") return "expected a port number from 1 to 65535";
  if (parent === "targets") return "expected a list of target names, or {command: [argv...], every: 1m}";
  if (parent === "notify") return "expected {command: [argv...]} or {webhook: {url: ...}}";
  return "does not match any of the allowed forms";
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** How far a union branch is from the value: every unknown key and every other issue counts once. */
function distanceOf(branch: readonly Issue[]): number {
  return branch.reduce((sum, issue) => sum + (issue.code === "unrecognized_keys" ? issue.keys.length : 1), 0);
}

/** Keys that no branch of a union knows. */
function keysUnknownToAll(branches: readonly (readonly Issue[])[]): string[] {
  const unknownIn = (branch: readonly Issue[]) =>
    new Set(branch.flatMap((i) => (i.code === "unrecognized_keys" && i.path.length === 0 ? i.keys : [])));
  const [first, ...rest] = branches.map(unknownIn);
  return [...(first ?? [])].filter((key) => rest.every((set) => set.has(key)));
}

interface Draft extends ConfigProblem {
  /** Set on "missing required key" problems: the object path and the key. */
  missing?: string;
  /** Set on unknown-key problems with a suggestion: the object path and the suggested key. */
  suggests?: string;
}

/** Turns zod issues into file:line:col problems with readable messages. */
export function zodProblems(issues: readonly Issue[], input: unknown, source: SourceMap): ConfigProblem[] {
  const drafts: Draft[] = [];
  const add = (
    path: readonly PropertyKey[],
    message: string,
    keyName?: string,
    extra: Partial<Draft> = {},
  ) => {
    const where = positionOf(source.doc, source.lines, path, keyName);
    const location = formatPath(keyName === undefined ? path : [...path, keyName]);
    drafts.push({ file: source.file, ...where, message: `${location}: ${message}`, ...extra });
  };
  const unknownKey = (path: readonly PropertyKey[], key: string) => {
    const match = didYouMean(key, knownKeysAt(source.schema, path));
    if (match === undefined) return add(path, `unknown key "${key}"`, key);
    add(path, `unknown key "${key}" (did you mean "${match}"?)`, key, {
      suggests: `${formatPath(path)}#${match}`,
    });
  };

  const visit = (issue: Issue, base: readonly PropertyKey[]) => {
    const path = [...base, ...issue.path];
    const value = valueAt(input, path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) unknownKey(path, key);
      return;
    }
    if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_union")) {
      const key = String(path[path.length - 1]);
      add(path, `missing required key "${key}"`, undefined, {
        missing: `${formatPath(path.slice(0, -1))}#${key}`,
      });
      return;
    }
    if (issue.code === "invalid_key") {
      const key = String(path[path.length - 1]);
      const parent = path.slice(0, -1);
      const where = positionOf(source.doc, source.lines, parent, key);
      const inner = issue.issues.map((i) => i.message).join("; ");
      const message = `${formatPath(parent)}: "${key}" is not a valid name; ${inner}`;
      drafts.push({ file: source.file, ...where, message });
      return;
    }
    if (issue.code === "invalid_union") {
      // Object-shaped branches: the value is a mapping and the branch did not reject it for its type.
      const objectBranches = isRecord(value)
        ? issue.errors.filter(
            (branch) => !branch.some((inner) => inner.code === "invalid_type" && inner.path.length === 0),
          )
        : [];
      const distances = objectBranches.map(distanceOf);
      const best = Math.min(...distances);
      const closest = objectBranches.filter((_, i) => distances[i] === best);
      if (closest.length === 1 && closest[0]) {
        for (const inner of closest[0]) visit(inner, path);
        return;
      }
      const found = isRecord(value) ? `, found keys ${Object.keys(value).join(", ") || "(none)"}` : "";
      add(path, `${unionExpectation(path)}${found || ` (got ${describeValue(value)})`}`);
      for (const key of keysUnknownToAll(objectBranches)) unknownKey(path, key);
      return;
    }
    add(path, issueMessage(issue, value));
  };

  for (const issue of issues) visit(issue, []);
  // `levle: a` also makes `level` missing; the did-you-mean on levle already says everything.
  const suggested = new Set(drafts.map((d) => d.suggests).filter((s) => s !== undefined));
  return drafts
    .filter((d) => d.missing === undefined || !suggested.has(d.missing))
    .map(({ file, line, col, message }) => ({ file, line, col, message }))
    .sort((a, b) => a.line - b.line || a.col - b.col);
}
