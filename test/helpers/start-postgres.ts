import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.js";
import { findTool } from "./require-tool.js";
import { tmpDir } from "./tmp-dir.js";

export interface StartedPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication, no password). */
  url: string;
  port: number;
  /** Runs SQL (several statements allowed) as the superuser, e.g. to create and fill tables. */
  exec(sql: string): Promise<void>;
  /** Stops the server (fast shutdown) and removes its cluster. */
  stop(): Promise<void>;
}

/** Folder of Debian's PostgreSQL server binaries (the newest version), or of initdb on PATH. */
export function findPostgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], "bin");
  }
  const initdb = findTool("initdb");
  return initdb === undefined ? undefined : join(initdb, "..");
}

/**
 * The rule of requireTool for the PostgreSQL server, whose binaries are not on PATH on Debian:
 * under CI=true a missing server fails the test; elsewhere the caller skips.
 */
export function requirePostgres(): string | undefined {
  const bin = findPostgresBin();
  if (bin !== undefined) return bin;
  const message =
    "PostgreSQL server not found (/usr/lib/postgresql/*/bin/initdb): install the Debian package postgresql (apt-get install postgresql)";
  if (process.env.CI === "true") throw new Error(`${message}; CI must install it in .ci/run`);
  console.warn(`skipping: ${message}`);
  return undefined;
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` OS user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

/**
 * Starts a throwaway PostgreSQL cluster on a free loopback port: initdb with trust authentication
 * into a temporary folder, then `postgres` with its socket in that folder and fsync off.
 * Resolves once a connection succeeds.
 */
export async function startPostgres(bin: string): Promise<StartedPostgres> {
  const user = runAs();
  const dir = tmpDir("escalator-postgres-");
  if (user) chownSync(dir.path, user.uid, user.gid);
  const data = join(dir.path, "data");
  try {
    execFileSync(
      join(bin, "initdb"),
      [
        "-D",
        data,
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
        "--no-instructions",
      ],
      { cwd: dir.path, stdio: "pipe", ...(user ?? {}) },
    );
  } catch (error) {
    dir.remove();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`initdb failed: ${String(error)}\n${stderr}`);
  }

  let lastOutput = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      join(bin, "postgres"),
      ["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir.path, "-c", "fsync=off"],
      { cwd: dir.path, stdio: ["ignore", "pipe", "pipe"], ...(user ?? {}) },
    );
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const stop = stopper(child, dir.remove);
    if (await waitReady(child, url)) {
      const exec = async (sql: string) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      };
      return { url, port, exec, stop };
    }
    lastOutput = output;
    await stopper(child, () => {})();
    if (!/could not bind|address already in use/i.test(output)) break;
  }
  dir.remove();
  throw new Error(`postgres did not start:\n${lastOutput}`);
}

function stopper(child: ChildProcess, cleanUp: () => void): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGINT"); // fast shutdown
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(killer);
      }
      cleanUp();
    })();
    return stopping;
  };
}

async function waitReady(child: ChildProcess, url: string): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      await client.end().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return false;
}
