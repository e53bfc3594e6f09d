import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/free-port.js";
import { requireTool } from "../../test/helpers/require-tool.js";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { checkSchema } from "../config/schema.js";
import { runCheck } from "./registry.js";
import type { CheckContext } from "./types.js";

// Debian's monitoring-plugins-basic, run as `command` checks: the real Nagios protocol end to end.
const checkTcp = requireTool("check_tcp");
const checkHttp = requireTool("check_http");
const dir = tmpDir();
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("hello"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  dir.remove();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function ctx(command: string[], target: string): CheckContext {
  const check = checkSchema.parse({ name: "plugin", level: "restart", for_each: "nodes", command });
  return { check, target, environment: "staging", cwd: dir.path, timeoutMs: 10_000 };
}

const never = new AbortController().signal;

describe.skipIf(checkTcp === undefined)("check_tcp as a command check", () => {
  it("is OK with a time datum while the port listens", async () => {
    const result = await runCheck(
      ctx([checkTcp as string, "-H", "{{target}}", "-p", String(port)], "127.0.0.1"),
      never,
    );
    expect(result.state).toBe("OK");
    expect(result.message).toMatch(/^TCP OK/);
    const time = result.perfdata.find((d) => d.label === "time");
    expect(time?.uom).toBe("s");
    expect(time?.value).toBeGreaterThanOrEqual(0);
  });

  it("is CRITICAL when nothing listens", async () => {
    const closed = await freePort();
    const result = await runCheck(
      ctx([checkTcp as string, "-H", "{{target}}", "-p", String(closed)], "127.0.0.1"),
      never,
    );
    expect(result.state).toBe("CRITICAL");
    expect(result.message).toMatch(/Connection refused/);
  });
});

describe.skipIf(checkHttp === undefined)("check_http as a command check", () => {
  it("is OK with time and size data while the server answers", async () => {
    const result = await runCheck(
      ctx([checkHttp as string, "-H", "{{target}}", "-p", String(port), "-u", "/"], "127.0.0.1"),
      never,
    );
    expect(result.state).toBe("OK");
    expect(result.message).toMatch(/^HTTP OK/);
    expect(result.perfdata.find((d) => d.label === "time")?.uom).toBe("s");
    expect(result.perfdata.find((d) => d.label === "size")).toMatchObject({ uom: "B", min: 0 });
  });

  it("is CRITICAL when nothing listens", async () => {
    const closed = await freePort();
    const result = await runCheck(
      ctx([checkHttp as string, "-H", "{{target}}", "-p", String(closed), "-u", "/"], "127.0.0.1"),
      never,
    );
    expect(result.state).toBe("CRITICAL");
    expect(`${result.message}\n${result.longOutput ?? ""}`).toMatch(
      /Connection refused|Unable to open TCP socket/,
    );
  });
});
