import path from "node:path";
import { type LoadConfig, parseRate } from "../config/load-schema.js";
import { parseDuration } from "../util/duration.js";
import { EscalatorError } from "../util/errors.js";
import { parseThreshold, type Threshold } from "./thresholds.js";
import type { LoadSettings } from "./types.js";

/** The flags of `escalator load`, as commander gives them (strings, unparsed). */
export interface LoadFlags {
  target?: string;
  users?: string;
  rate?: string;
  duration?: string;
  ramp?: string;
  thinkTime?: string;
  tags?: string;
  require?: string[];
  connections?: string;
  workers?: string;
  threshold?: string[];
}

export interface ResolvedLoad {
  paths: string[];
  target: string | undefined;
  tags: string | undefined;
  settings: LoadSettings;
  thresholds: Threshold[];
}

export const DEFAULT_DROP_AFTER_MS = 1000;
export const DEFAULT_MAX_IN_FLIGHT = 10_000;
/**
 * Open model without --connections. Connections open only as needed; a cap keeps a cold start
 * (or a stalled server) from opening thousands. Journeys beyond it wait for a connection, and
 * that wait is part of their latency, which is measured from the intended start.
 */
export const DEFAULT_OPEN_CONNECTIONS = 100;
/**
 * Closed model without --connections: one connection per user, at most this many per origin
 * (across workers), so --users 50000 does not open 50,000 sockets to one server. Users beyond it
 * wait for a connection, and that wait is part of their requests' latency.
 */
export const MAX_DEFAULT_CLOSED_CONNECTIONS = 1000;

const usage = (message: string) => new EscalatorError("USAGE", message);

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < min || n > max)
    throw usage(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

function durationFlag(text: string, flag: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw usage(`${flag}: ${(error as Error).message}`);
  }
}

function checkTarget(target: string | undefined, source: string): string | undefined {
  if (target === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(target);
  } catch {}
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw usage(`${source} must be an http(s) URL such as http://127.0.0.1:8080, got "${target}"`);
  return target;
}

/**
 * Flags over the config's `load:` section over defaults, checked. Every problem is a USAGE error
 * naming the flag and what would be valid. `paths` from the command line are used as given;
 * the config's are relative to its folder.
 */
export function resolveLoad(
  paths: readonly string[],
  flags: LoadFlags,
  config: { load?: LoadConfig | undefined; dir: string } | undefined,
): ResolvedLoad {
  const fromConfig = config?.load ?? {};
  if (flags.users !== undefined && flags.rate !== undefined)
    throw usage("give --users (closed model) or --rate (open model), not both");
  let model: LoadSettings["model"];
  if (flags.users !== undefined)
    model = { kind: "closed", users: wholeNumber(flags.users, "--users", 1, 1_000_000) };
  else if (flags.rate !== undefined) {
    const rate = parseRate(flags.rate);
    if (typeof rate !== "number") throw usage(`--rate: ${rate.error}`);
    model = { kind: "open", ratePerSecond: rate };
  } else if (fromConfig.users !== undefined && fromConfig.rate !== undefined) {
    throw usage(
      "the config's load: section gives both users and rate; keep one (or choose with --users or --rate)",
    );
  } else if (fromConfig.users !== undefined) model = { kind: "closed", users: fromConfig.users };
  else if (fromConfig.rate !== undefined) model = { kind: "open", ratePerSecond: fromConfig.rate };
  else
    throw usage(
      "give --users N (closed model: virtual users) or --rate R/s (open model: journeys per second)",
    );

  const durationMs =
    flags.duration !== undefined ? durationFlag(flags.duration, "--duration") : fromConfig.duration;
  if (durationMs === undefined) throw usage("give --duration, e.g. --duration 30s");
  if (durationMs < 1000) throw usage(`--duration must be at least 1s, got "${flags.duration}"`);
  const rampMs = flags.ramp !== undefined ? durationFlag(flags.ramp, "--ramp") : (fromConfig.ramp ?? 0);
  if (rampMs > durationMs) throw usage("--ramp must not be longer than --duration");
  // The config's think_time is a default for the closed model: choosing --rate leaves it out.
  let thinkTimeMs = 0;
  if (flags.thinkTime !== undefined) {
    thinkTimeMs = durationFlag(flags.thinkTime, "--think-time");
    if (thinkTimeMs > 0 && model.kind === "open")
      throw usage(
        "--think-time applies to the closed model (--users); the open model starts journeys at --rate",
      );
  } else if (model.kind === "closed") thinkTimeMs = fromConfig.think_time ?? 0;
  else if (flags.rate === undefined && (fromConfig.think_time ?? 0) > 0)
    throw usage(
      "the config's load: section gives think_time with rate; think_time applies to the closed model (users)",
    );

  const workers =
    flags.workers !== undefined ? wholeNumber(flags.workers, "--workers", 1, 64) : (fromConfig.workers ?? 1);
  const defaultConnections =
    model.kind === "closed"
      ? Math.min(model.users, MAX_DEFAULT_CLOSED_CONNECTIONS)
      : DEFAULT_OPEN_CONNECTIONS;
  const connections =
    flags.connections !== undefined
      ? wholeNumber(flags.connections, "--connections", 1, 100_000)
      : (fromConfig.connections ?? defaultConnections);
  const thresholdTexts =
    flags.threshold && flags.threshold.length > 0 ? flags.threshold : (fromConfig.thresholds ?? []);

  const configPaths = fromConfig.paths?.map((p) => path.resolve(config?.dir ?? ".", p));
  return {
    paths: paths.length > 0 ? [...paths] : (configPaths ?? ["features"]),
    target: checkTarget(flags.target, "--target") ?? checkTarget(fromConfig.target, "load.target"),
    tags: flags.tags ?? fromConfig.tags,
    settings: {
      model,
      durationMs,
      rampMs,
      thinkTimeMs,
      connections,
      workers,
      dropAfterMs: DEFAULT_DROP_AFTER_MS,
      maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    },
    thresholds: thresholdTexts.map((text) => parseThreshold(text)),
  };
}
