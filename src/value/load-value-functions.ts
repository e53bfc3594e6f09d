import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import type { LoadError } from "../features/load-features.js";
import { setCurrentValueRegistry, type ValueFunction, type ValueFunctionSink } from "./define-value.js";
import { samePhrase } from "./phrase.js";

/** One defineValue call: the metric's name, its function, and the file that defined it. */
export interface ValueFunctionEntry {
  name: string;
  fn: ValueFunction;
  /** Absolute path of the value file being loaded when it was defined. */
  file: string | undefined;
}

/** The value functions of one run, found by metric name regardless of case and singular/plural. */
export class ValueFunctionRegistry implements ValueFunctionSink {
  readonly entries: ValueFunctionEntry[] = [];
  /** Duplicate definitions, each naming both files. */
  readonly errors: { file: string | undefined; message: string }[] = [];
  /** The file being loaded now; defineValue calls are attributed to it. */
  currentFile: string | undefined;

  define(name: string, fn: ValueFunction): void {
    const file = this.currentFile;
    const other = this.entries.find((e) => samePhrase(e.name, name));
    if (other === undefined) {
      this.entries.push({ name, fn, file });
      return;
    }
    // A value file imported by another one is evaluated twice; the same body is that module again.
    if (other.fn.toString() === fn.toString()) return;
    const where = (f: string | undefined) => (f === undefined ? "(built-in)" : f);
    this.errors.push({
      file,
      message: `defineValue("${name}") in ${where(file)} duplicates defineValue("${other.name}") in ${where(other.file)}; a metric has one value function`,
    });
  }

  /** The function for a metric name, if one was defined. */
  find(name: string): ValueFunctionEntry | undefined {
    return this.entries.find((e) => samePhrase(e.name, name));
  }
}

export interface LoadValueFunctionsOptions {
  cwd: string;
  /** Folders searched for values/*.ts|.mts|.js|.mjs at any depth. */
  featureDirs: readonly string[];
  /** Value files to load instead of searching, relative to cwd. */
  files?: readonly string[];
}

export interface LoadedValueFunctions {
  registry: ValueFunctionRegistry;
  /** Absolute paths of the files loaded. */
  files: string[];
  errors: LoadError[];
}

const EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs"]);
const isValueFile = (file: string) =>
  EXTENSIONS.has(path.extname(file)) &&
  !file.endsWith(".d.ts") &&
  path.basename(path.dirname(file)) === "values";

/** What a file defined the last time it was imported, so an unchanged file is replayed, not re-imported. */
const cache = new Map<string, { mtimeMs: number; defined: { name: string; fn: ValueFunction }[] }>();
let lock: Promise<unknown> = Promise.resolve();

async function findFiles(options: LoadValueFunctionsOptions, errors: LoadError[]): Promise<string[]> {
  if (options.files !== undefined) {
    const files: string[] = [];
    for (const given of options.files) {
      const absolute = path.resolve(options.cwd, given);
      try {
        if ((await stat(absolute)).isFile()) files.push(absolute);
        else errors.push({ uri: given, message: `Not a value file: ${given}` });
      } catch {
        errors.push({ uri: given, message: `No such value file: ${given}` });
      }
    }
    return files;
  }
  const found = new Set<string>();
  for (const dir of options.featureDirs) {
    let entries: Dirent[];
    try {
      entries = await readdir(path.resolve(options.cwd, dir), { recursive: true, withFileTypes: true });
    } catch {
      continue; // A missing feature folder is reported by loadFeatures.
    }
    for (const entry of entries) {
      if (!entry.isFile() || entry.parentPath.split(path.sep).includes("node_modules")) continue;
      const file = path.join(entry.parentPath, entry.name);
      if (isValueFile(file)) found.add(file);
    }
  }
  return [...found].sort();
}

function toUri(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return (relative.startsWith("..") ? file : relative).split(path.sep).join("/");
}

async function load(options: LoadValueFunctionsOptions): Promise<LoadedValueFunctions> {
  const registry = new ValueFunctionRegistry();
  const errors: LoadError[] = [];
  const files = await findFiles(options, errors);
  // Records what each file defines, for the cache, while passing it on to the registry.
  let defined: { name: string; fn: ValueFunction }[] = [];
  const recorder: ValueFunctionSink = {
    define(name, fn) {
      defined.push({ name, fn });
      registry.define(name, fn);
    },
  };
  setCurrentValueRegistry(recorder);
  try {
    for (const file of files) {
      const uri = toUri(options.cwd, file);
      registry.currentFile = uri;
      try {
        const { mtimeMs } = await stat(file);
        const cached = cache.get(file);
        if (cached && cached.mtimeMs === mtimeMs) {
          for (const { name, fn } of cached.defined) registry.define(name, fn);
          continue;
        }
        defined = [];
        process.setSourceMapsEnabled(true);
        await tsImport(pathToFileURL(file).href, import.meta.url);
        cache.set(file, { mtimeMs, defined });
      } catch (error) {
        errors.push({
          uri,
          message: `Cannot load ${uri}: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
  } finally {
    setCurrentValueRegistry(undefined);
    registry.currentFile = undefined;
  }
  for (const problem of registry.errors)
    errors.push({ uri: problem.file ?? "(value functions)", message: problem.message });
  return { registry, files, errors };
}

/**
 * Loads value files (`features/**\/values/*.ts` and .mts, .js, .mjs) into a fresh registry through
 * tsx, so no build step is needed. Loads are serialised: defineValue registers into one
 * process-wide current registry.
 */
export function loadValueFunctions(options: LoadValueFunctionsOptions): Promise<LoadedValueFunctions> {
  const result = lock.then(() => load(options));
  lock = result.catch(() => undefined);
  return result;
}
