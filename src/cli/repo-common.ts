import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { Repository, RepositoryOptions } from "../repo/repository.js";
import { type ProgressListener, RepoError } from "../repo/types.js";
import { EscalatorError, errorMessage } from "../util/errors.js";
import { EXIT, outputFor } from "./command-context.js";
import type { Output } from "./output.js";

export interface RootOption {
  root?: string;
}

export const ROOT_HELP = "the repository folder (default: $ESCALATOR_REPO_ROOT)";

/** --root, else $ESCALATOR_REPO_ROOT; one of them is required. */
export function repoRoot(options: RootOption): string {
  const root = options.root ?? process.env.ESCALATOR_REPO_ROOT;
  if (root === undefined || root.trim() === "") {
    throw new EscalatorError(
      "USAGE",
      "give the repository folder with --root DIR (or set ESCALATOR_REPO_ROOT)",
    );
  }
  return resolve(root);
}

/**
 * Opens the repository. Only commands that fill a repository (add, serve) may create one; the
 * others refuse a folder without repo.db, so a mistyped --root does not answer "no tags".
 */
export async function openRepository(
  options: RootOption,
  { create = false, ...rest }: RepositoryOptions & { create?: boolean } = {},
): Promise<Repository> {
  const root = repoRoot(options);
  if (!create && !existsSync(join(root, "repo.db"))) {
    throw new EscalatorError(
      "USAGE",
      `no repository at ${root} (no repo.db): add packages first with escalator repo add --root ${root} FILES`,
    );
  }
  // Imported here: the repository's catalog (SQLite) is not needed for --help or repo index.
  const { Repository } = await import("../repo/repository.js");
  return Repository.open(root, rest);
}

/** A whole number of at least `min`, or a usage error naming the flag. */
export function wholeNumber(text: string, flag: string, min = 0): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new EscalatorError("USAGE", `${flag} must be a whole number of at least ${min}, got "${text}"`);
  }
  return Number(text);
}

const UNITS: Record<string, number> = {
  "": 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Bytes: 1048576, 512K, 100M, 1G (binary units; KiB, MiB, GiB also accepted). */
export function byteSize(text: string, flag: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = UNITS[match?.[2]?.toLowerCase() ?? "x"];
  if (match === null || unit === undefined || Number(match[1]) < 1) {
    throw new EscalatorError(
      "USAGE",
      `${flag} must be a size in bytes such as 104857600, 512K, 100M or 1G, got "${text}"`,
    );
  }
  return Number(match[1]) * unit;
}

/** Error codes the CLI counts as usage errors (exit 2) rather than refusals (exit 1). */
const USAGE_CODES = new Set(["INVALID_NAME"]);

/**
 * Runs a repo command's body: a RepoError is printed (as `{ error, code }` with --json) and sets
 * exit code 1 (2 for an invalid name); usage errors go on to main(), which exits 2.
 */
export function repoAction<A extends unknown[]>(
  body: (output: Output, ...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    const output = outputFor(command);
    try {
      await body(output, ...args);
    } catch (error) {
      if (!(error instanceof RepoError)) throw error;
      if (output.json) output.data({ error: error.message, code: error.code });
      else output.error(`escalator: ${error.message}`);
      process.exitCode = USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.failure;
    }
  };
}

/** Closes the repository after `fn`, whatever happens. */
export async function withRepository<T>(
  repository: Repository,
  fn: (repository: Repository) => Promise<T>,
): Promise<T> {
  try {
    return await fn(repository);
  } finally {
    repository.close();
  }
}

/** Whether to draw a progress bar: stderr is a terminal and this is not CI. */
export function progressWanted(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

export interface ProgressBar {
  update: ProgressListener;
  /** Clears the line (call before printing anything else, and at the end). */
  clear(): void;
}

/** A single updating line on stderr: `[#####.....]  120/400  30%  name`. Redrawn at most every 50 ms. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  let last = 0;
  let drawn = false;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (done < total && now - last < 50) return;
      last = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      const text = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${percent}% ${label}`;
      const columns = stream.columns || 80;
      stream.write(`\r\u001b[2K${text.slice(0, Math.max(10, columns - 1))}`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write("\r\u001b[2K");
      drawn = false;
    },
  };
}

export function describeError(error: unknown): { code: string; error: string } {
  if (error instanceof RepoError) return { code: error.code, error: error.message };
  return { code: "ERROR", error: errorMessage(error) };
}
