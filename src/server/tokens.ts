import { readFileSync } from "node:fs";
import { BlockList, isIP } from "node:net";
import { isAbsolute } from "node:path";
import { EscalatorError, errorMessage } from "../util/errors.js";

export interface LoadApiTokensOptions {
  /** Absolute path of a file with one token per non-empty line. */
  tokenFile?: string;
  /** Name of the environment variable holding a token, e.g. ESCALATOR_API_TOKEN. */
  tokenEnv: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The bearer tokens the API accepts: every non-empty line of the token file (trimmed) and the
 * environment variable, without duplicates. A token file that cannot be read, or holds no token,
 * is a config error: silently running without the token the operator meant to set is not safe.
 */
export function loadApiTokens(options: LoadApiTokensOptions): string[] {
  const { tokenFile, tokenEnv, env = process.env } = options;
  const tokens: string[] = [];
  if (tokenFile !== undefined) {
    if (!isAbsolute(tokenFile)) {
      throw new EscalatorError("USAGE", `the API token file path must be absolute, got "${tokenFile}"`);
    }
    let text: string;
    try {
      text = readFileSync(tokenFile, "utf8");
    } catch (error) {
      throw new EscalatorError(
        "CONFIG_INVALID",
        `cannot read the API token file ${tokenFile}: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
    const fromFile = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== "");
    if (fromFile.length === 0) {
      throw new EscalatorError("CONFIG_INVALID", `the API token file ${tokenFile} holds no token`);
    }
    tokens.push(...fromFile);
  }
  const fromEnv = env[tokenEnv]?.trim();
  if (fromEnv) tokens.push(fromEnv);
  return [...new Set(tokens)];
}

/** Splits "HOST:PORT" or "[IPV6]:PORT"; the port may be 0 (any free port). */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(listen) ?? /^([^:\s[\]]+):(\d{1,5})$/.exec(listen);
  const host = match?.[1];
  const port = Number(match?.[2]);
  if (host === undefined || !Number.isInteger(port) || port > 65_535) {
    const hint = /^[0-9a-fA-F:]+:\d+$/.test(listen)
      ? ' (write IPv6 addresses in brackets, e.g. "[::1]:8470")'
      : "";
    throw new EscalatorError(
      "USAGE",
      `listen address "${listen}" is not HOST:PORT with a port from 0 to 65535, e.g. "127.0.0.1:8470"${hint}`,
    );
  }
  if (match?.[0].startsWith("[") && isIP(host) !== 6) {
    throw new EscalatorError("USAGE", `listen address "${listen}": "${host}" is not an IPv6 address`);
  }
  return { host, port };
}

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");
loopback.addSubnet("::ffff:127.0.0.0", 104, "ipv6");

/** 127.0.0.0/8, ::1 (and IPv4-mapped 127.x) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare.toLowerCase() === "localhost") return true;
  const family = isIP(bare);
  if (family === 4) return loopback.check(bare, "ipv4");
  if (family === 6) return loopback.check(bare, "ipv6");
  return false;
}

/**
 * Refuses to serve the API beyond this machine without a token: with no token every request
 * that changes something is allowed, which is only acceptable on loopback.
 */
export function assertSafeListen(listen: string, tokens: readonly string[]): void {
  const { host } = parseListen(listen);
  if (tokens.length > 0 || isLoopbackHost(host)) return;
  throw new EscalatorError(
    "USAGE",
    `refusing to listen on ${listen} without an API token: anyone who can reach it could pause, silence or approve. ` +
      "Set ESCALATOR_API_TOKEN (or api.token_env) or api.token_file, or listen on 127.0.0.1",
  );
}
