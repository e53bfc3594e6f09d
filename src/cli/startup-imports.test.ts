import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

/** The modules a file loads when it is loaded: static imports and re-exports, not `import type`. */
function staticImports(source: string): string[] {
  const found: string[] = [];
  const pattern = /^(?:import|export)\s+(?!type\s)(?:[^;"']*?\s+from\s+)?["']([^"']+)["'];?/gm;
  for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

/** Every module bin.ts loads before any command runs: src files and bare package names. */
function startupGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(readFileSync(file, "utf8"))) {
      if (spec.startsWith("node:")) continue;
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

describe("the CLI's start-up", () => {
  // `escalator --version`, `--help` and `repo index` must not load what only some commands need
  // (zod, yaml, SQLite, Cucumber, undici, Hono, OpenPGP, pino): each command imports its work
  // with `await import(...)` when it runs.
  const graph = startupGraph(resolve(here, "bin.ts"));

  it("loads no package but commander", () => {
    expect([...graph.packages]).toEqual(["commander"]);
  });

  it("loads no config, store, engine, server, features, load, value or repository code", () => {
    const heavy = [...graph.files]
      .map((file) => file.slice(resolve(here, "..").length + 1))
      .filter((file) => !/^(cli|util)\//.test(file))
      .filter((file) => !["config/config-lookups.ts", "server/tokens.ts", "repo/types.ts"].includes(file));
    expect(heavy).toEqual([]);
  });

  it("sees the imports it checks", () => {
    expect(
      staticImports('import { a } from "x";\nimport type { B } from "y";\nexport { c } from "z";'),
    ).toEqual(["x", "z"]);
  });
});
