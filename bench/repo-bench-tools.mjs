// Helpers of bench/repo-bench.mjs: the machine, timing, copies of the package folders, the table.
import { spawn } from "node:child_process";
import { existsSync, linkSync, mkdirSync, readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { basename, join } from "node:path";

import { firstLine } from "./bench-common.mjs";

export { say, which } from "./bench-common.mjs";

export function machine(root, createrepo) {
  const debian = existsSync("/etc/debian_version")
    ? readFileSync("/etc/debian_version", "utf8").trim()
    : undefined;
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  const commit = firstLine("git", ["-C", root, "describe", "--always", "--dirty"]);
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    os: `Linux ${release()}${debian ? `, Debian ${debian}` : ""}`,
    node: process.version,
    escalator: `${version}${commit ? ` (${commit})` : ""}`,
    createrepo_c: createrepo ? firstLine(createrepo, ["--version"])?.replace(/^Version:\s*/, "") : undefined,
  };
}

/** Runs a command (argv, no shell); resolves with its exit code, output and wall seconds. */
export function run(command, args, { cwd } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", (error) => {
      stderr += String(error);
    });
    child.on("close", (code, signal) => {
      resolve({ code: code ?? signal, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** Runs a command and throws with its stderr when it fails; returns wall seconds. */
export async function timed(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${basename(command)} ${args.join(" ")} exited ${result.code}:\n${result.stderr.slice(-2000)}`,
    );
  }
  return result.seconds;
}

/** Wall seconds of an async function. */
export async function time(fn) {
  const began = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - began) / 1000, value };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A folder holding hard links to `files` (so every tool reads the same bytes, and repodata/ stays apart). */
export function linkFolder(dir, files) {
  mkdirSync(dir, { recursive: true });
  for (const file of files) linkSync(file, join(dir, basename(file)));
  return dir;
}

/** "1.234 s" style: 3 significant digits. */
export const fmt = (seconds) =>
  seconds === undefined
    ? "—"
    : seconds < 1
      ? `${(seconds * 1000).toPrecision(3)} ms`
      : `${seconds.toPrecision(3)} s`;

/** Median and range of a list of seconds, e.g. "1.23 s (1.20–1.31)". */
export const summary = (values) =>
  values.length === 0
    ? "—"
    : `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))}, n=${values.length})`;

/** A markdown table. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
