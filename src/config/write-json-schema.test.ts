import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../util/duration.js";
import { configJsonSchema } from "./write-json-schema.js";

type Node = Record<string, unknown>;

const COMMITTED = new URL("../../schema/escalator.schema.json", import.meta.url);

function committedSchema(): unknown {
  try {
    return JSON.parse(readFileSync(COMMITTED, "utf8"));
  } catch {
    return undefined;
  }
}

/** Every object node in the schema, with its JSON pointer-ish path. */
function nodes(value: unknown, path = "#"): [string, Node][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => nodes(item, `${path}/${i}`));
  if (value === null || typeof value !== "object") return [];
  const node = value as Node;
  return [[path, node], ...Object.entries(node).flatMap(([key, child]) => nodes(child, `${path}/${key}`))];
}

function at(schema: Node, ...keys: string[]): Node {
  let current: unknown = schema;
  for (const key of keys) current = (current as Node)[key];
  return current as Node;
}

const schema = configJsonSchema();
const level = at(schema, "properties", "levels", "items");
const check = at(schema, "properties", "checks", "items");

describe("the JSON Schema for escalator.yaml", () => {
  it("is committed and current", () => {
    expect(committedSchema(), "schema/escalator.schema.json is stale: run npm run schema").toEqual(schema);
  });

  it("has an id and requires environment and levels", () => {
    expect(schema.$id).toBe("https://escalator.dev/schema/escalator.schema.json");
    expect(schema.required).toEqual(["environment", "levels"]);
  });

  it("closes every object to unknown keys, so editors flag typos", () => {
    const open = nodes(schema)
      .filter(([, node]) => node.type === "object" && node.properties !== undefined)
      .filter(([, node]) => node.additionalProperties !== false)
      .map(([path]) => path);
    expect(open).toEqual([]);
  });

  it("describes durations as strings with a pattern and a description", () => {
    const durations = [
      at(schema, "properties", "quiescence"),
      at(level, "properties", "quiescence"),
      at(level, "properties", "timeout"),
      at(check, "properties", "every"),
      at(check, "properties", "timeout"),
      at(check, "properties", "http", "properties", "timeout"),
    ];
    for (const duration of durations) {
      expect(duration.type).toBe("string");
      expect(duration.pattern).toBe("^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$");
      expect(duration.description).toContain("Duration: a number with a unit ms, s, m, h or d");
    }
    expect(at(schema, "properties", "quiescence").description).toBe(
      "Observation window after the first failure. Duration: a number with a unit ms, s, m, h or d, e.g. 30s, 5m, 1h30m",
    );
  });

  it("keeps the pattern in step with the duration parser", () => {
    const pattern = new RegExp(at(schema, "properties", "quiescence").pattern as string);
    for (const good of ["500ms", "30s", "5m", "1h30m", "1.5h", "1d"]) {
      expect(pattern.test(good), good).toBe(true);
      expect(() => parseDuration(good)).not.toThrow();
    }
    for (const bad of ["30", "5 minutes", "", "m", "1w"]) {
      expect(pattern.test(bad), bad).toBe(false);
      expect(() => parseDuration(bad)).toThrow();
    }
  });

  it("shows duration defaults as they are written, e.g. 30s", () => {
    expect(at(schema, "properties", "quiescence").default).toBe("30s");
    expect(at(check, "properties", "every").default).toBe("30s");
    expect(at(check, "properties", "timeout").default).toBe("10s");
    expect(at(level, "properties", "backoff", "properties", "initial").default).toBe("1s");
    expect(at(level, "properties", "backoff", "properties", "max").default).toBe("1m");
  });

  it("shows the other defaults", () => {
    expect(at(schema, "properties", "max_attempts").default).toBe(3);
    expect(at(level, "properties", "retries").default).toBe(0);
    expect(at(check, "properties", "failures").default).toBe(1);
    expect(at(check, "properties", "successes").default).toBe(1);
    expect(at(check, "properties", "escalate_on").default).toEqual(["CRITICAL"]);
  });
});
