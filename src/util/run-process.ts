import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { TailBuffer } from "./tail-buffer.js";

/** What to run: an argv array passed as-is (no shell), or a script for /bin/sh -c. */
export type ProcessCommand = { argv: readonly string[] } | { shell: string };

export interface RunProcessOptions {
  /** Working directory; a relative argv[0] such as ./ops/x.sh resolves against it. */
  cwd: string;
  /** Merged over process.env. */
  env?: Record<string, string>;
  /** 0 or less means no timeout. */
  timeoutMs: number;
  /** Aborting kills the process group like a timeout does. */
  signal?: AbortSignal;
  /** Output chunks (stdout and stderr) as they arrive, decoded as UTF-8. */
  onOutput?: (chunk: string) => void;
  /** Bytes kept of `output` and of `stdout`. Default 64 KiB. */
  outputLimit?: number;
  /** Wait between SIGTERM and SIGKILL to the process group. Default 5 s. */
  killGraceMs?: number;
}

export interface ProcessOutcome {
  /** null when the process was killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Tail of combined stdout and stderr. */
  output: string;
  /** Tail of stdout alone. */
  stdout: string;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the process could not be started, e.g. "program not found: ./x.sh". */
  spawnError?: string;
  startedAt: number;
  endedAt: number;
}

/** After the main process exits, how long to wait for its output pipes to close (a background child may hold them). */
const DRAIN_MS = 500;

/**
 * Runs a process in its own process group and never throws: a missing program, a timeout
 * or an abort are reported in the outcome. On timeout or abort the whole group gets SIGTERM,
 * then SIGKILL after `killGraceMs`.
 */
export function runProcess(command: ProcessCommand, options: RunProcessOptions): Promise<ProcessOutcome> {
  const startedAt = Date.now();
  const program = "argv" in command ? (command.argv[0] ?? "") : "/bin/sh";
  const args = "argv" in command ? command.argv.slice(1) : ["-c", command.shell];
  const limit = options.outputLimit ?? 64 * 1024;
  const output = new TailBuffer(limit);
  const stdout = new TailBuffer(limit);

  const early = (fields: Partial<ProcessOutcome>): Promise<ProcessOutcome> =>
    Promise.resolve({ ...emptyOutcome(startedAt), ...fields });
  if (program === "") return early({ spawnError: "empty argv: nothing to run" });
  if (options.signal?.aborted) return early({ aborted: true });

  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(program, args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        shell: false,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      resolve({ ...emptyOutcome(startedAt), spawnError: describeSpawnError(error, program, options.cwd) });
      return;
    }

    let settled = false;
    let timedOut = false;
    let aborted = false;
    let killing = false;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const stop = (): void => {
      if (killing || settled) return;
      killing = true;
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), options.killGraceMs ?? 5000);
    };
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    const timeoutTimer =
      options.timeoutMs > 0 && Number.isFinite(options.timeoutMs)
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, options.timeoutMs)
        : undefined;
    options.signal?.addEventListener("abort", onAbort, { once: true });

    const finish = (spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(drainTimer);
      options.signal?.removeEventListener("abort", onAbort);
      // Keep the SIGKILL timer only while something of the group survives.
      if (killTimer && (child.pid === undefined || !isGroupAlive(child.pid))) clearTimeout(killTimer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        output: output.toString(),
        stdout: stdout.toString(),
        timedOut,
        aborted,
        ...(spawnError === undefined ? {} : { spawnError }),
        startedAt,
        endedAt: Date.now(),
      });
    };

    const pipe = (stream: NodeJS.ReadableStream | null, alsoStdout: boolean): void => {
      if (!stream) return;
      const decoder = new StringDecoder("utf8");
      stream.on("data", (chunk: Buffer) => {
        output.write(chunk);
        if (alsoStdout) stdout.write(chunk);
        const text = decoder.write(chunk);
        if (text && options.onOutput) options.onOutput(text);
      });
      stream.on("error", () => {});
    };
    pipe(child.stdout, true);
    pipe(child.stderr, false);

    child.on("error", (error) => {
      // Emitted when spawning failed, or when a kill failed; only the first matters.
      if (child.pid === undefined) finish(describeSpawnError(error, program, options.cwd));
    });
    child.once("exit", (code, sig) => {
      exit = { code, signal: sig };
      drainTimer = setTimeout(() => finish(), DRAIN_MS);
    });
    child.once("close", (code, sig) => {
      exit ??= { code, signal: sig };
      finish();
    });
  });
}

function emptyOutcome(startedAt: number): ProcessOutcome {
  return {
    exitCode: null,
    signal: null,
    output: "",
    stdout: "",
    timedOut: false,
    aborted: false,
    startedAt,
    endedAt: Date.now(),
  };
}

function describeSpawnError(error: unknown, program: string, cwd: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") {
    return existsSync(cwd) ? `program not found: ${program}` : `working directory not found: ${cwd}`;
  }
  if (code === "EACCES") return `program not executable: ${program}`;
  return `cannot start ${program}: ${error instanceof Error ? error.message : String(error)}`;
}

function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True while a process with this pid exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // "pid (comm) S ...": the state follows the last ')'. A zombie has exited but is not reaped yet.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}
