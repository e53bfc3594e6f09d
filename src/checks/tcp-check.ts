import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import type { CheckState } from "../config/schema.js";
import { formatDuration } from "../util/duration.js";
import { errorMessage } from "../util/errors.js";
import { isTimeoutReason } from "../util/is-timeout-reason.js";
import { substitute, type TemplateValues } from "../util/template.js";
import type { Check, CheckContext, CheckResult, PerfDatum } from "./types.js";

export interface TcpAddress {
  host: string;
  port: number;
}

/** Connects to host:port; OK once the connection is established. */
export const tcpCheck: Check = {
  kind: "tcp",
  async run(ctx: CheckContext, signal: AbortSignal): Promise<CheckResult> {
    const started = performance.now();
    const result = (state: CheckState, message: string, perfdata: PerfDatum[] = []): CheckResult => ({
      state,
      message,
      perfdata,
      durationMs: performance.now() - started,
    });
    const probe = ctx.check.tcp;
    if (probe === undefined) return result("UNKNOWN", "tcp check without a tcp probe");

    const values: TemplateValues = { environment: ctx.environment, level: ctx.check.level };
    if (ctx.target !== undefined) values.target = ctx.target;
    const address =
      typeof probe === "string"
        ? parseTcpAddress(substitute(probe, values))
        : toAddress(substitute(probe.host, values), substitute(String(probe.port), values));
    if (typeof address === "string") return result("UNKNOWN", `TCP UNKNOWN - ${address}`);

    const timeoutMs = (typeof probe === "object" ? probe.timeout : undefined) ?? ctx.timeoutMs;
    const where = formatAddress(address);
    const outcome = await connectOnce(address, timeoutMs, signal);
    const ms = outcome.elapsedMs;
    if (outcome.kind === "connected") {
      const perfdata = [{ label: "time", value: Number((ms / 1000).toFixed(6)), uom: "s", min: 0 }];
      return result("OK", `TCP OK - connected to ${where} in ${ms.toFixed(1)} ms`, perfdata);
    }
    if (outcome.kind === "timeout") {
      return result(
        "CRITICAL",
        `TCP CRITICAL - timed out after ${formatDuration(timeoutMs)} connecting to ${where}`,
      );
    }
    if (outcome.kind === "aborted") return result("UNKNOWN", `TCP UNKNOWN - aborted connecting to ${where}`);
    return result("CRITICAL", `TCP CRITICAL - ${outcome.error} (${where})`);
  },
};

type ConnectOutcome = { elapsedMs: number } & (
  | { kind: "connected" }
  | { kind: "timeout" }
  | { kind: "aborted" }
  | { kind: "error"; error: string }
);

function connectOnce(address: TcpAddress, timeoutMs: number, signal: AbortSignal): Promise<ConnectOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: address.host, port: address.port });
    const done = (outcome: ConnectOutcome): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const elapsed = (): number => performance.now() - started;
    const onAbort = (): void => {
      done({ kind: isTimeoutReason(signal.reason) ? "timeout" : "aborted", elapsedMs: elapsed() });
    };
    const timer = setTimeout(() => done({ kind: "timeout", elapsedMs: elapsed() }), timeoutMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => done({ kind: "connected", elapsedMs: elapsed() }));
    socket.once("error", (error) =>
      done({ kind: "error", error: errorMessage(error), elapsedMs: elapsed() }),
    );
  });
}

/**
 * Parses "host:port" or "[ipv6]:port". Returns the address, or a sentence saying what is wrong.
 */
export function parseTcpAddress(text: string): TcpAddress | string {
  const trimmed = text.trim();
  const bracketed = /^\[([^\]]+)\]:([^:]+)$/.exec(trimmed);
  if (bracketed) return toAddress(bracketed[1] as string, bracketed[2] as string, text);
  const plain = /^([^:[\]\s]+):([^:]+)$/.exec(trimmed);
  if (plain) return toAddress(plain[1] as string, plain[2] as string, text);
  return `cannot parse TCP address ${JSON.stringify(text)}: expected host:port or [ipv6]:port`;
}

function toAddress(host: string, portText: string, original?: string): TcpAddress | string {
  const port = /^\d+$/.test(portText.trim()) ? Number(portText) : Number.NaN;
  const what = original === undefined ? `${host}:${portText}` : original;
  if (host.trim() === "") return `cannot parse TCP address ${JSON.stringify(what)}: empty host`;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return `cannot parse TCP address ${JSON.stringify(what)}: port must be 1-65535`;
  }
  return { host: host.trim(), port };
}

function formatAddress(address: TcpAddress): string {
  return address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
