import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import type { LoadError } from "./load-features.js";
import { SupportCodeRegistry, setCurrentRegistry } from "./support-code.js";

export interface LoadSupportOptions {
  cwd: string;
  /** Files or folders given with --require; when empty, steps/ folders under the feature folders. */
  require?: readonly string[];
  featureDirs: readonly string[];
  /** Registration functions run first, while the registry is current (the built-in steps use this). */
  supportCode?: readonly (() => void | Promise<void>)[];
  newId: () => string;
}

export interface LoadedSupport {
  registry: SupportCodeRegistry;
  files: string[];
  errors: LoadError[];
}

const EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs"]);
const isSupportFile = (name: string) => EXTENSIONS.has(path.extname(name)) && !name.endsWith(".d.ts");

/** What a file registered the last time it was imported, so an unchanged file is replayed, not re-imported. */
const cache = new Map<string, { mtimeMs: number; recorded: SupportCodeRegistry["recorded"] }>();
let lock: Promise<unknown> = Promise.resolve();

async function walk(dir: string, accept: (file: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.parentPath.split(path.sep).includes("node_modules"))
    .map((e) => path.join(e.parentPath, e.name))
    .filter(accept)
    .sort();
}

async function findFiles(options: LoadSupportOptions, errors: LoadError[]): Promise<string[]> {
  const files: string[] = [];
  const add = (list: string[]) => {
    for (const file of list) if (!files.includes(file)) files.push(file);
  };
  if (options.require && options.require.length > 0) {
    for (const given of options.require) {
      const absolute = path.resolve(options.cwd, given);
      try {
        const info = await stat(absolute);
        add(info.isDirectory() ? await walk(absolute, (f) => isSupportFile(path.basename(f))) : [absolute]);
      } catch {
        errors.push({ uri: given, message: `No such support file or folder: ${given}` });
      }
    }
    return files;
  }
  for (const dir of options.featureDirs) {
    try {
      add(
        await walk(dir, (f) => path.basename(path.dirname(f)) === "steps" && isSupportFile(path.basename(f))),
      );
    } catch {
      // A missing feature folder is already reported by loadFeatures.
    }
  }
  return files;
}

/** tsImport loads through a fresh tsx namespace each time, so a changed file is evaluated anew. */
async function importFile(file: string): Promise<void> {
  // tsx emits inline source maps; with them on, stack traces (and definition lines) point at the .ts source.
  process.setSourceMapsEnabled(true);
  await tsImport(pathToFileURL(file).href, import.meta.url);
}

async function load(options: LoadSupportOptions): Promise<LoadedSupport> {
  const registry = new SupportCodeRegistry(options.newId);
  const errors: LoadError[] = [];
  const files = await findFiles(options, errors);
  setCurrentRegistry(registry);
  try {
    for (const fn of options.supportCode ?? []) {
      try {
        await fn();
      } catch (error) {
        errors.push({
          uri: "(built-in support code)",
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    for (const file of files) {
      const uri = path.relative(options.cwd, file).split(path.sep).join("/");
      try {
        const { mtimeMs } = await stat(file);
        const cached = cache.get(file);
        if (cached && cached.mtimeMs === mtimeMs) {
          for (const replay of cached.recorded) replay(registry);
          continue;
        }
        const before = registry.recorded.length;
        await importFile(file);
        cache.set(file, { mtimeMs, recorded: registry.recorded.slice(before) });
      } catch (error) {
        errors.push({
          uri,
          message: `Cannot load ${uri}: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
  } finally {
    setCurrentRegistry(undefined);
  }
  registry.finalize();
  for (const problem of registry.errors) {
    const uri = problem.location ? path.relative(options.cwd, problem.location.file) : "(support code)";
    errors.push({
      uri,
      ...(problem.location ? { line: problem.location.line } : {}),
      message: problem.message,
    });
  }
  return { registry, files, errors };
}

/**
 * Loads step files into a fresh registry. TypeScript goes through tsx, so no build step is needed.
 * Loads are serialised, because `Given` and friends register into one process-wide current registry.
 */
export function loadSupport(options: LoadSupportOptions): Promise<LoadedSupport> {
  const result = lock.then(() => load(options));
  lock = result.catch(() => undefined);
  return result;
}
