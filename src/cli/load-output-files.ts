import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { EscalatorError } from "../util/errors.js";

/**
 * The root program's boolean `--json` takes any `--json` on the command line, so in
 * `load --json out.json` the file name lands among the paths. Read the raw arguments instead: a
 * `--json` after `load` followed by a value (or `--json=FILE`) names the summary file; any other
 * `--json` (before `load`, last, or followed by an option) asks for the JSON summary on stdout.
 */
export function jsonArguments(
  raw: readonly string[],
  command = "load",
): { file: string | undefined; stdout: boolean } {
  const at = raw.indexOf(command);
  let file: string | undefined;
  let stdout = false;
  raw.forEach((arg, i) => {
    const next = raw[i + 1];
    if (arg.startsWith("--json=") && i > at) file = arg.slice("--json=".length);
    else if (arg !== "--json") return;
    else if (i > at && next !== undefined && !next.startsWith("-")) file = next;
    else stdout = true;
  });
  return { file, stdout };
}

/** File names `--json` and `--report` refuse: sources and configs a slip of the command line could overwrite. */
const SOURCE_FILE = /\.(feature|[cm]?[jt]sx?|ya?ml)$/i;

/**
 * Checks the --json and --report files before anything runs, so a long test never ends in an
 * unwritable result, and a feature or step file given as `--json FILE` by mistake is not
 * overwritten: the target must not be a directory, an input path or a source or config file, the
 * report must be .html, and its folder must exist or be creatable.
 */
export function checkOutputFiles(
  outputs: readonly { flag: "--json" | "--report"; file: string | undefined }[],
  inputs: readonly string[],
  cwd = process.cwd(),
): void {
  const seen = new Map<string, string>();
  const inputSet = new Set(inputs.map((input) => path.resolve(cwd, input)));
  for (const { flag, file } of outputs) {
    if (file === undefined) continue;
    const bad = (why: string) => {
      const hint =
        flag === "--json"
          ? "; --json takes the file to write, e.g. --json load.json (put --json before load, as in `escalator --json load`, to print the summary instead)"
          : "";
      return new EscalatorError("USAGE", `${flag} ${file}: ${why}${hint}`);
    };
    if (file.trim() === "") throw bad("an empty file name");
    const target = path.resolve(cwd, file);
    if (inputSet.has(target)) throw bad("is one of the feature paths to run; it would be overwritten");
    if (SOURCE_FILE.test(file))
      throw bad(`would overwrite a ${path.extname(file)} file; write the summary to a new file`);
    if (flag === "--report" && !/\.html?$/i.test(file)) throw bad("the HTML report's name must end in .html");
    const other = seen.get(target);
    if (other !== undefined) throw bad(`is also the ${other} file`);
    seen.set(target, flag);
    if (existsSync(target) && statSync(target).isDirectory()) throw bad("is a directory");
    // The nearest existing folder above it must be a writable folder (missing ones are created).
    let folder = path.dirname(target);
    while (!existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
    if (!statSync(folder).isDirectory()) throw bad(`${folder} is not a directory`);
    try {
      accessSync(folder, constants.W_OK);
    } catch {
      throw bad(`cannot write in ${folder}`);
    }
  }
}

/** Writes next to the target and renames, so a reader never sees half a file. */
export function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new EscalatorError("USAGE", `cannot write ${file}: ${(error as Error).message}`);
  }
}
