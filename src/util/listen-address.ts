import { BlockList, isIP } from "node:net";
import { EscalatorError } from "./errors.js";

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
