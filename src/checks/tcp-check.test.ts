import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/free-port.js";
import { checkSchema } from "../config/schema.js";
import { parseTcpAddress, tcpCheck } from "./tcp-check.js";
import type { CheckContext } from "./types.js";

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function ctx(tcp: unknown, target?: string): CheckContext {
  const check = checkSchema.parse({ name: "db", level: "restart", tcp });
  return { check, environment: "staging", cwd: "/", timeoutMs: 5000, ...(target ? { target } : {}) };
}

describe("tcpCheck", () => {
  it("is OK when the port accepts, with a time datum", async () => {
    const result = await tcpCheck.run(ctx(`127.0.0.1:${port}`), new AbortController().signal);
    expect(result.state).toBe("OK");
    expect(result.message).toMatch(
      new RegExp(`^TCP OK - connected to 127\\.0\\.0\\.1:${port} in \\d+\\.\\d ms$`),
    );
    expect(result.perfdata).toEqual([expect.objectContaining({ label: "time", uom: "s" })]);
  });

  it("substitutes {{target}} and accepts {host, port}", async () => {
    const fromString = await tcpCheck.run(
      ctx(`{{target}}:${port}`, "127.0.0.1"),
      new AbortController().signal,
    );
    expect(fromString.state).toBe("OK");
    const fromObject = await tcpCheck.run(
      ctx({ host: "{{target}}", port }, "127.0.0.1"),
      new AbortController().signal,
    );
    expect(fromObject.state).toBe("OK");
  });

  it("is CRITICAL when the connection is refused", async () => {
    const closed = await freePort();
    const result = await tcpCheck.run(ctx(`127.0.0.1:${closed}`), new AbortController().signal);
    expect(result.state).toBe("CRITICAL");
    expect(result.message).toContain(`connect ECONNREFUSED 127.0.0.1:${closed}`);
  });

  it("is CRITICAL when the caller's timeout fires, UNKNOWN when the caller aborts", async () => {
    const timeout = AbortSignal.abort(new DOMException("check timeout", "TimeoutError"));
    const timedOut = await tcpCheck.run(ctx(`127.0.0.1:${port}`), timeout);
    expect(timedOut.state).toBe("CRITICAL");
    expect(timedOut.message).toBe(`TCP CRITICAL - timed out after 5s connecting to 127.0.0.1:${port}`);
    const aborted = await tcpCheck.run(ctx(`127.0.0.1:${port}`), AbortSignal.abort());
    expect(aborted.state).toBe("UNKNOWN");
    expect(aborted.message).toContain("aborted");
  });

  it("is UNKNOWN for an address it cannot parse", async () => {
    const result = await tcpCheck.run(ctx("no-port-here"), new AbortController().signal);
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toContain('cannot parse TCP address "no-port-here"');
  });
});

describe("parseTcpAddress", () => {
  it.each([
    ["db:5432", { host: "db", port: 5432 }],
    ["127.0.0.1:80", { host: "127.0.0.1", port: 80 }],
    ["[::1]:8080", { host: "::1", port: 8080 }],
    ["[fe80::1%eth0]:22", { host: "fe80::1%eth0", port: 22 }],
    [" host:1 ", { host: "host", port: 1 }],
  ])("%s parses", (text, expected) => {
    expect(parseTcpAddress(text)).toEqual(expected);
  });

  it.each([["db"], ["db:"], [":80"], ["db:http"], ["db:0"], ["db:65536"], ["::1:80"], ["[::1]"], ["a b:80"]])(
    "%s is refused with a reason",
    (text) => {
      expect(parseTcpAddress(text)).toMatch(/^cannot parse TCP address/);
    },
  );
});
