import { BlockList, isIP } from "node:net";
import { EscalatorError } from "../../util/errors.js";

/** Splits "HOST:PORT" or "[IPV6]:PORT"; the port may be 0 (any free port). */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(listen) ?? /^([^:\s[\]]+):(\d{1,5})$/.exec(listen);
  const host = match?.[1];
  const port = Number(match?.[2]);
  if (host === undefined || !Number.isInteger(port) || port > 65_535) {
    throw new EscalatorError(
      "USAGE",
      `--listen "${listen}" is not HOST:PORT with a port from 0 to 65535, e.g. "127.0.0.1:8471" (IPv6 in brackets: "[::1]:8471")`,
    );
  }
  if (match?.[0].startsWith("[") && isIP(host) !== 6) {
    throw new EscalatorError("USAGE", `--listen "${listen}": "${host}" is not an IPv6 address`);
  }
  return { host, port };
}

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");
loopback.addSubnet("::ffff:127.0.0.0", 104, "ipv6");

/** 127.0.0.0/8, ::1 (and IPv4-mapped 127.x) and localhost. */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === "localhost") return true;
  const family = isIP(host);
  if (family === 4) return loopback.check(host, "ipv4");
  if (family === 6) return loopback.check(host, "ipv6");
  return false;
}

/** Refuses a non-loopback address without tokens: anyone reaching it could upload, tag and delete. */
export function assertSafeRepoListen(
  listen: string,
  tokens: readonly string[],
): { host: string; port: number } {
  const parsed = parseListen(listen);
  if (tokens.length > 0 || isLoopbackHost(parsed.host)) return parsed;
  throw new EscalatorError(
    "USAGE",
    `refusing to listen on ${listen} without a token file: anyone who can reach it could upload, tag, promote and delete. ` +
      "Give --token-file FILE (one token per line), or listen on 127.0.0.1",
  );
}
