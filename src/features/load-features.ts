import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { generateMessages } from "@cucumber/gherkin";
import {
  type Envelope,
  type GherkinDocument,
  IdGenerator,
  type Location,
  type Pickle,
  SourceMediaType,
} from "@cucumber/messages";
import { parse as parseTagExpression } from "@cucumber/tag-expressions";

export interface LoadFeaturesOptions {
  paths: readonly string[];
  cwd: string;
  tags?: string;
  /** Ids for AST nodes and pickles; default IdGenerator.uuid(). */
  newId?: () => string;
}

export interface LoadError {
  uri: string;
  line?: number;
  message: string;
}

export interface LoadedFeatures {
  /** source, gherkinDocument, pickle and parseError envelopes, in Cucumber's order (all pickles). */
  envelopes: Envelope[];
  /** The pickles selected by the tag expression, in file order. */
  pickles: Pickle[];
  gherkinDocuments: Map<string, GherkinDocument>;
  /** Where each Gherkin AST node (scenario, step, example row) is, by id. */
  locations: Map<string, Location>;
  /** The feature folders (or a feature file's folder), for finding default step files. */
  featureDirs: string[];
  errors: LoadError[];
}

function toUri(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return (relative.startsWith("..") ? file : relative).split(path.sep).join("/");
}

async function expandPath(absolute: string): Promise<string[]> {
  const info = await stat(absolute);
  if (!info.isDirectory()) return [absolute];
  const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".feature"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function indexLocations(document: GherkinDocument, locations: Map<string, Location>): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const record = node as { id?: unknown; location?: Location };
    if (typeof record.id === "string" && record.location) locations.set(record.id, record.location);
    for (const value of Object.values(node)) if (typeof value === "object") visit(value);
  };
  visit(document.feature);
}

/** Finds, parses and compiles feature files. Errors (missing paths, parse errors, bad tags) are collected. */
export async function loadFeatures(options: LoadFeaturesOptions): Promise<LoadedFeatures> {
  const newId = options.newId ?? IdGenerator.uuid();
  const result: LoadedFeatures = {
    envelopes: [],
    pickles: [],
    gherkinDocuments: new Map(),
    locations: new Map(),
    featureDirs: [],
    errors: [],
  };

  let matchesTags = (_pickle: Pickle) => true;
  if (options.tags !== undefined && options.tags.trim() !== "") {
    try {
      const node = parseTagExpression(options.tags);
      matchesTags = (pickle) => node.evaluate(pickle.tags.map((tag) => tag.name));
    } catch (error) {
      result.errors.push({
        uri: "--tags",
        message: `Invalid tag expression "${options.tags}": ${String(error)}`,
      });
    }
  }

  const files: string[] = [];
  for (const given of options.paths) {
    const absolute = path.resolve(options.cwd, given);
    try {
      const expanded = await expandPath(absolute);
      const isDir = expanded.length !== 1 || expanded[0] !== absolute;
      result.featureDirs.push(isDir ? absolute : path.dirname(absolute));
      for (const file of expanded) if (!files.includes(file)) files.push(file);
    } catch {
      result.errors.push({
        uri: toUri(options.cwd, absolute),
        message: `No such feature file or folder: ${given}`,
      });
    }
  }

  for (const file of files) {
    const uri = toUri(options.cwd, file);
    let data: string;
    try {
      data = await readFile(file, "utf8");
    } catch (error) {
      result.errors.push({ uri, message: `Cannot read ${uri}: ${String(error)}` });
      continue;
    }
    const envelopes = generateMessages(data, uri, SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_PLAIN, {
      includeSource: true,
      includeGherkinDocument: true,
      includePickles: true,
      newId,
    });
    for (const envelope of envelopes) {
      result.envelopes.push(envelope);
      if (envelope.gherkinDocument) {
        result.gherkinDocuments.set(uri, envelope.gherkinDocument);
        indexLocations(envelope.gherkinDocument, result.locations);
      }
      if (envelope.pickle && matchesTags(envelope.pickle)) result.pickles.push(envelope.pickle);
      if (envelope.parseError) {
        const line = envelope.parseError.source.location?.line;
        result.errors.push({
          uri: envelope.parseError.source.uri ?? uri,
          ...(line === undefined ? {} : { line }),
          message: envelope.parseError.message,
        });
      }
    }
  }
  return result;
}
