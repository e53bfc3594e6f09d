import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { type CheckConfig, checkSchema } from "../config/schema.js";
import { EscalatorError } from "../util/errors.js";
import { checkKindOf, checkKinds, runCheck } from "./registry.js";
import type { CheckContext } from "./types.js";

const dir = tmpDir();
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  dir.remove();
  await new Promise((resolve) => server.close(resolve));
});

const config = (probe: Record<string, unknown>): CheckConfig =>
  checkSchema.parse({ name: "probe", level: "restart", ...probe });

const ctx = (check: CheckConfig, timeoutMs = 5000): CheckContext => ({
  check,
  environment: "staging",
  cwd: dir.path,
  timeoutMs,
});

describe("checkKinds and checkKindOf", () => {
  it("registers the built-ins by kind", () => {
    expect([...checkKinds.keys()].sort()).toEqual([
      "command",
      "http",
      "ping",
      "prometheus",
      "scenario",
      "tcp",
      "value",
    ]);
    for (const [kind, check] of checkKinds) expect(check.kind).toBe(kind);
  });

  it.each([
    [{ http: { url: "http://x/" } }, "http"],
    [{ tcp: "x:1" }, "tcp"],
    [{ ping: "x" }, "ping"],
    [{ command: ["true"] }, "command"],
    [{ prometheus: { url: "http://x:9090", query: "up == 0" } }, "prometheus"],
  ])("%j is %s", (probe, kind) => {
    expect(checkKindOf(config(probe))).toBe(kind);
  });

  it("throws CHECK_FAILED when no probe is set", () => {
    expect(() => checkKindOf(config({}))).toThrowError(EscalatorError);
    expect(() => checkKindOf(config({}))).toThrow("needs one probe");
  });
});

describe("runCheck", () => {
  it("runs the check kind the config names", async () => {
    const result = await runCheck(ctx(config({ tcp: `127.0.0.1:${port}` })), new AbortController().signal);
    expect(result.state).toBe("OK");
    expect(result.message).toContain("TCP OK");
  });

  it("turns a thrown plugin error into UNKNOWN naming the plugin", async () => {
    // A probe that slipped past validation: the http plugin throws on a non-string URL.
    const broken = { ...config({ http: { url: "http://x/" } }), http: { url: 42 } } as unknown as CheckConfig;
    const result = await runCheck(ctx(broken), new AbortController().signal);
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toMatch(/^http check probe: /);
  });

  it("returns UNKNOWN, not a throw, when no probe is set", async () => {
    const result = await runCheck(ctx(config({})), new AbortController().signal);
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toContain("needs one probe");
  });

  it("enforces ctx.timeoutMs", async () => {
    const started = Date.now();
    const result = await runCheck(
      ctx(config({ command: ["sleep", "30"] }), 300),
      new AbortController().signal,
    );
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toBe("timed out after 300ms");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await runCheck(ctx(config({ command: ["sleep", "30"] })), controller.signal);
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toBe("aborted");
  });
});
