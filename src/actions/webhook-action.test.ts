import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/free-port.js";
import { substitute } from "../util/template.js";
import type { ActionContext } from "./types.js";
import { webhookAction } from "./webhook-action.js";

interface Captured {
  method: string | undefined;
  url: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let server: Server;
let base: string;
const captured: Captured[] = [];
const never = new AbortController().signal;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      captured.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      if (req.url === "/fail") res.writeHead(500).end("boom");
      else if (req.url === "/slow") setTimeout(() => res.writeHead(200).end("late"), 2000);
      else res.writeHead(202).end("accepted");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function ctx(
  url: string,
  extra: { headers?: Record<string, string>; timeoutMs?: number } = {},
  target = "node-1",
): ActionContext {
  return {
    spec: { webhook: { url, ...extra }, cwd: "/", timeoutMs: 10_000 },
    environment: "staging",
    level: "restart",
    target,
    attempt: 1,
    escalationId: "esc-7",
    reason: '[{"check":"web","state":"CRITICAL"}]',
  };
}

describe("webhookAction", () => {
  it("POSTs the step's context as JSON and succeeds on 2xx", async () => {
    const result = await webhookAction.run(
      ctx(`${base}/hook`, { headers: { authorization: "Bearer t" } }),
      never,
    );
    expect(result).toMatchObject({ ok: true, exitCode: 202, output: "accepted", timedOut: false });
    const request = captured.at(-1);
    expect(request?.method).toBe("POST");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers.authorization).toBe("Bearer t");
    expect(request?.body).toEqual({
      environment: "staging",
      level: "restart",
      target: "node-1",
      attempt: 1,
      escalationId: "esc-7",
      reason: [{ check: "web", state: "CRITICAL" }],
    });
  });

  it("substitutes {{target}}, {{environment}} and {{level}} in the URL", async () => {
    const result = await webhookAction.run(ctx(`${base}/hook/{{environment}}/{{level}}/{{target}}`), never);
    expect(result.ok).toBe(true);
    expect(captured.at(-1)?.url).toBe("/hook/staging/restart/node-1");
  });

  it("fails on a non-2xx status, with the status as exitCode and the body as output", async () => {
    const result = await webhookAction.run(ctx(`${base}/fail`), never);
    expect(result).toMatchObject({
      ok: false,
      exitCode: 500,
      output: "boom",
      error: `HTTP 500 from ${base}/fail`,
    });
  });

  it("fails with the socket error when nothing listens", async () => {
    const port = await freePort();
    const result = await webhookAction.run(ctx(`http://127.0.0.1:${port}/hook`), never);
    expect(result).toMatchObject({
      ok: false,
      exitCode: null,
      error: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it("stops at its timeout", async () => {
    const result = await webhookAction.run(ctx(`${base}/slow`, { timeoutMs: 200 }), never);
    expect(result).toMatchObject({
      ok: false,
      exitCode: null,
      timedOut: true,
      error: "timed out after 200ms",
    });
  });

  it("refuses a target that would redirect the POST, without sending it", async () => {
    const template = "http://{{target}}.hooks.invalid:9/escalate";
    const host = new URL(base).host;
    for (const [target, shown] of [
      [`${host}#`, '"#"'],
      [`ops@${host}?`, '"@"'],
      [`${host} `, "a whitespace character (U+0020)"],
    ] as const) {
      if (!target.endsWith(" ")) expect(new URL(substitute(template, { target })).host).toBe(host);
      const before = captured.length;
      const result = await webhookAction.run(
        ctx(template, { headers: { authorization: "Bearer t" } }, target),
        never,
      );
      expect(result).toMatchObject({
        ok: false,
        exitCode: null,
        output: "",
        timedOut: false,
        error: `refusing to put target ${JSON.stringify(target)} into a URL: it contains ${shown}, which would change where the request goes`,
      });
      expect(captured.length).toBe(before);
    }
  });
});
