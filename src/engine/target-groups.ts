import type { Logger } from "pino";
import { staticTargets, type TargetGroupConfig } from "../config/schema.js";
import { errorMessage } from "../util/errors.js";
import { runProcess } from "../util/run-process.js";

export interface TargetGroupState {
  targets: readonly string[];
  /** When the list was last read successfully (command groups). */
  readAt?: number;
  /** The last read's error, when it failed or was suspect; the previous list is kept. */
  error?: string;
}

/** Stdout bytes read from a target command: room for well over 100,000 host names. */
export const TARGET_OUTPUT_LIMIT = 16 * 1024 * 1024;

/** Successful empty reads in a row before a non-empty group is allowed to become empty. */
export const EMPTY_READS_TO_EMPTY = 3;

/** Whitespace, control characters, or a leading "-" (which a program would read as an option). */
const UNUSABLE_NAME = /[\s\p{Cc}]|^-/u;

export interface TargetList {
  targets: string[];
  /** Lines that cannot be target names, in order. */
  skipped: string[];
}

/**
 * Parses a target command's output: one target per line; blank lines and # comments skipped.
 * Names containing whitespace or control characters, or starting with "-", are set aside.
 */
export function parseTargetList(output: string): TargetList {
  const seen = new Set<string>();
  const skipped: string[] = [];
  for (const line of output.split("\n")) {
    const target = line.trim();
    if (target === "" || target.startsWith("#")) continue;
    if (UNUSABLE_NAME.test(target)) skipped.push(target);
    else seen.add(target);
  }
  return { targets: [...seen], skipped };
}

/**
 * Resolves target groups: static lists as given, command groups by running their command
 * (argv, no shell) and re-reading it `every` after the previous read ended. A failed read keeps
 * the last good list, and so does an empty read until it repeats: acting on an empty list read
 * by mistake is how automation wipes fleets.
 */
export class TargetGroups {
  private readonly state = new Map<string, TargetGroupState>();
  private readonly emptyReads = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly stopper = new AbortController();

  constructor(
    private readonly groups: Readonly<Record<string, TargetGroupConfig>>,
    private readonly options: {
      cwd: string;
      environment: string;
      logger: Logger;
      now: () => number;
      onChange?: () => void;
    },
  ) {
    for (const [name, spec] of Object.entries(groups)) {
      this.state.set(name, { targets: [...(staticTargets(spec) ?? [])] });
    }
  }

  current(): Record<string, readonly string[]> {
    const out: Record<string, readonly string[]> = {};
    for (const [name, state] of this.state) out[name] = state.targets;
    return out;
  }

  states(): Record<string, TargetGroupState> {
    return Object.fromEntries(this.state);
  }

  /** Reads every command group once. */
  async refreshAll(): Promise<void> {
    await Promise.all(Object.keys(this.groups).map((name) => this.refresh(name)));
  }

  /** Reads command groups now, then keeps re-reading each one `every` after its previous read. */
  async start(): Promise<void> {
    await this.refreshAll();
    for (const name of Object.keys(this.groups)) this.scheduleNext(name);
  }

  /** Stops re-reading and kills reads in flight; their outcome is ignored. */
  stop(): void {
    this.stopper.abort();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private scheduleNext(name: string): void {
    const spec = this.groups[name];
    if (!spec || !("command" in spec) || this.stopper.signal.aborted) return;
    const timer = setTimeout(async () => {
      try {
        await this.refresh(name);
      } catch (error) {
        this.options.logger.error({ group: name, err: error }, `re-reading target group ${name} failed`);
      } finally {
        this.scheduleNext(name);
      }
    }, spec.every);
    timer.unref?.();
    this.timers.set(name, timer);
  }

  private async refresh(name: string): Promise<void> {
    const spec = this.groups[name];
    if (!spec || !("command" in spec) || this.stopper.signal.aborted) return;
    const previous = this.state.get(name) ?? { targets: [] };
    const keeping = `keeping the last ${previous.targets.length} targets`;
    let list: TargetList;
    try {
      const result = await runProcess(
        { argv: spec.command },
        {
          cwd: this.options.cwd,
          env: { ESCALATOR_ENVIRONMENT: this.options.environment, ESCALATOR_GROUP: name },
          timeoutMs: spec.timeout,
          signal: this.stopper.signal,
          outputLimit: TARGET_OUTPUT_LIMIT,
        },
      );
      if (result.aborted) return;
      if (result.exitCode !== 0) {
        const why = result.spawnError ?? (result.timedOut ? "timed out" : `exit ${result.exitCode}`);
        throw new Error(`${why}: ${result.output.trim().split("\n").slice(-1)[0] ?? ""}`);
      }
      // The tail buffer dropped the head of the list: some targets are missing, and the first
      // line kept may be a fragment of a name.
      if (Buffer.byteLength(result.stdout) >= TARGET_OUTPUT_LIMIT) {
        throw new Error(`its output was too large: ${TARGET_OUTPUT_LIMIT / 1024 / 1024} MiB or more`);
      }
      list = parseTargetList(result.stdout);
    } catch (error) {
      this.fail(
        name,
        previous,
        `target command for group ${name} failed (${errorMessage(error)}); ${keeping}`,
      );
      return;
    }

    const problems: string[] = [];
    if (list.skipped.length > 0) {
      const count = list.skipped.length;
      problems.push(
        `skipped ${count} unusable target ${count === 1 ? "name" : "names"} printed by the target command for group ${name} (e.g. ${JSON.stringify(list.skipped[0])}): a name must not contain whitespace or control characters, nor start with "-"`,
      );
    }
    const targets = list.targets;
    if (targets.length === 0 && previous.targets.length > 0) {
      const empties = (this.emptyReads.get(name) ?? 0) + 1;
      this.emptyReads.set(name, empties);
      if (empties < EMPTY_READS_TO_EMPTY) {
        problems.push(
          `target command for group ${name} printed no targets (${empties} of ${EMPTY_READS_TO_EMPTY} empty reads in a row before the group is emptied); ${keeping}`,
        );
        this.fail(name, previous, problems.join("; "));
        return;
      }
      this.options.logger.warn({ group: name, empties }, "target group emptied after repeated empty reads");
    }
    this.emptyReads.delete(name);

    const changed = targets.join("\n") !== previous.targets.join("\n");
    const next: TargetGroupState = { targets, readAt: this.options.now() };
    if (problems.length > 0) {
      next.error = problems.join("; ");
      this.options.logger.error({ group: name }, next.error);
    }
    this.state.set(name, next);
    if (changed) {
      this.options.logger.info({ group: name, count: targets.length }, "target group changed");
      this.options.onChange?.();
    }
  }

  private fail(name: string, previous: TargetGroupState, message: string): void {
    this.state.set(name, { ...previous, error: message });
    this.options.logger.error({ group: name }, message);
  }
}
