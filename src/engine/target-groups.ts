import type { Logger } from "pino";
import type { TargetGroupConfig } from "../config/schema.js";
import { errorMessage } from "../util/errors.js";
import { runProcess } from "../util/run-process.js";

export interface TargetGroupState {
  targets: readonly string[];
  /** When the list was last read successfully (command groups). */
  readAt?: number;
  /** The last read's error, when it failed; the previous list is kept. */
  error?: string;
}

/** Parses a target command's output: one target per line; blank lines and # comments skipped. */
export function parseTargetList(output: string): string[] {
  const seen = new Set<string>();
  for (const line of output.split("\n")) {
    const target = line.trim();
    if (target !== "" && !target.startsWith("#")) seen.add(target);
  }
  return [...seen];
}

/**
 * Resolves target groups: static lists as given, command groups by running their command
 * (argv, no shell) and re-reading it every `every`. A failed read keeps the last good list:
 * acting on an empty list read by mistake is how automation wipes fleets.
 */
export class TargetGroups {
  private readonly state = new Map<string, TargetGroupState>();
  private readonly timers: NodeJS.Timeout[] = [];

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
      this.state.set(name, { targets: Array.isArray(spec) ? [...spec] : [] });
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

  /** Reads command groups now, then keeps re-reading them on their interval. */
  async start(): Promise<void> {
    await this.refreshAll();
    for (const [name, spec] of Object.entries(this.groups)) {
      if (Array.isArray(spec)) continue;
      const timer = setInterval(() => void this.refresh(name), spec.every);
      timer.unref?.();
      this.timers.push(timer);
    }
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  private async refresh(name: string): Promise<void> {
    const spec = this.groups[name];
    if (!spec || Array.isArray(spec)) return;
    const previous = this.state.get(name) ?? { targets: [] };
    try {
      const result = await runProcess(
        { argv: spec.command },
        {
          cwd: this.options.cwd,
          env: { ESCALATOR_ENVIRONMENT: this.options.environment, ESCALATOR_GROUP: name },
          timeoutMs: spec.timeout,
        },
      );
      if (result.exitCode !== 0) {
        const why = result.spawnError ?? (result.timedOut ? "timed out" : `exit ${result.exitCode}`);
        throw new Error(`${why}: ${result.output.trim().split("\n").slice(-1)[0] ?? ""}`);
      }
      const targets = parseTargetList(result.stdout);
      const changed = targets.join("\n") !== previous.targets.join("\n");
      this.state.set(name, { targets, readAt: this.options.now() });
      if (changed) {
        this.options.logger.info({ group: name, count: targets.length }, "target group changed");
        this.options.onChange?.();
      }
    } catch (error) {
      const message = `target command for group ${name} failed (${errorMessage(error)}); keeping the last ${previous.targets.length} targets`;
      this.state.set(name, { ...previous, error: message });
      this.options.logger.error({ group: name }, message);
    }
  }
}
