// Helpers shared by the bench scripts: logging, sleeping, finding tools, reading their versions.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const say = (text) => process.stderr.write(`${text}\n`);

/** First line of a command's output (stdout, else stderr), or undefined when it cannot run. */
export function firstLine(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error) return undefined;
  return `${result.stdout}${result.stderr}`
    .split("\n")
    .find((l) => l.trim())
    ?.trim();
}

/** Absolute path of an executable on PATH (plus the sbin folders, where Debian puts nginx). */
export function which(name) {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/sbin", "/usr/local/sbin"];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}
