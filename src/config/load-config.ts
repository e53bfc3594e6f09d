import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { ConfigError, type ConfigProblem, EscalatorError } from "../util/errors.js";
import { configSchema, type ParsedConfig } from "./schema.js";
import { validateReferences } from "./validate-references.js";
import { formatPath, positionOf } from "./yaml-positions.js";
import { yamlProblems } from "./yaml-problems.js";
import { zodProblems } from "./zod-problems.js";

/** A validated, frozen config with the paths it was loaded from. */
export type ResolvedConfig = Readonly<ParsedConfig> & {
  /** Absolute path of the config file. */
  readonly file: string;
  /** Folder of the config file: relative paths in the config resolve against it. */
  readonly dir: string;
  /** sqlite:ABSOLUTE_PATH */
  readonly storeUrl: string;
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function resolveStoreUrl(config: ParsedConfig, dir: string): string {
  const url = config.store ?? `sqlite:.escalator/${config.environment}.db`;
  if (url.startsWith("sqlite:") && url !== "sqlite::memory:")
    return `sqlite:${resolve(dir, url.slice("sqlite:".length))}`;
  return url;
}

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.col - b.col || a.message.localeCompare(b.message);
}

/** Sorted by place, each problem once. */
function merged(...batches: ConfigProblem[][]): ConfigProblem[] {
  const unique = new Map(batches.flat().map((p) => [`${p.line}:${p.col}:${p.message}`, p]));
  return [...unique.values()].sort(byPosition);
}

/**
 * Parses and validates config text. Every problem is collected and returned, each with
 * file:line:col, rather than thrown one at a time.
 */
export function parseConfigText(
  text: string,
  file: string,
): { config: ResolvedConfig; problems: [] } | { config: undefined; problems: ConfigProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { config: undefined, problems: yamlProblems(doc.errors, text, lines, file) };
  }
  if (doc.contents === null) {
    const message = "the file is empty; an escalator.yaml needs at least environment: NAME and levels: [...]";
    return { config: undefined, problems: [{ file, line: 1, col: 1, message }] };
  }
  const input: unknown = doc.toJS();
  const parsed = configSchema.safeParse(input);
  // Reference checks also run on the raw input when zod fails, so one run reports everything it can.
  const references = validateReferences(parsed.success ? parsed.data : input).map((p) => ({
    file,
    ...positionOf(doc, lines, p.path),
    message: `${formatPath(p.path)}: ${p.message}`,
  }));
  if (!parsed.success) {
    const shape = zodProblems(parsed.error.issues, input, { file, doc, lines, schema: configSchema });
    return { config: undefined, problems: merged(shape, references) };
  }
  if (references.length > 0) return { config: undefined, problems: merged(references) };
  const dir = dirname(resolve(file));
  const config = deepFreeze({
    ...parsed.data,
    file: resolve(file),
    dir,
    storeUrl: resolveStoreUrl(parsed.data, dir),
  });
  return { config, problems: [] };
}

/** Loads escalator.yaml; throws ConfigError listing every problem, or CONFIG_NOT_FOUND. */
export function loadConfig(file: string): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new EscalatorError(
      "CONFIG_NOT_FOUND",
      `${file}: ${reason}; pass the config with -c/--config (default ./escalator.yaml)`,
      { cause: error },
    );
  }
  const result = parseConfigText(text, file);
  if (result.config === undefined) throw new ConfigError(result.problems);
  return result.config;
}
