import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/free-port.js";
import { checkSchema } from "../config/schema.js";
import { substitute } from "../util/template.js";
import { httpCheck } from "./http-check.js";
import type { CheckContext } from "./types.js";

let server: Server;
let base: string;
const seenHeaders: Record<string, string | string[] | undefined>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seenHeaders.push(req.headers);
    if (req.url === "/down") {
      res.writeHead(503).end("maintenance");
    } else if (req.url === "/slow") {
      setTimeout(() => res.writeHead(200).end("late"), 2000);
    } else if (req.url?.startsWith("/envs/")) {
      res.writeHead(200).end(`environment ${req.url.slice("/envs/".length)}`);
    } else {
      res.writeHead(200, { "content-type": "text/plain" }).end("all systems go");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function ctx(http: Record<string, unknown>, extra: Partial<CheckContext> = {}): CheckContext {
  const check = checkSchema.parse({ name: "web", level: "restart", http });
  return { check, environment: "staging", cwd: "/", timeoutMs: 5000, ...extra };
}

describe("httpCheck", () => {
  it("is OK on a 2xx with time and size perfdata", async () => {
    const result = await httpCheck.run(ctx({ url: `${base}/` }), new AbortController().signal);
    expect(result.state).toBe("OK");
    expect(result.message).toContain(`HTTP 200 from ${base}/`);
    expect(result.perfdata.map((d) => [d.label, d.uom])).toEqual([
      ["time", "s"],
      ["size", "B"],
    ]);
    expect(result.perfdata.find((d) => d.label === "size")?.value).toBe("all systems go".length);
  });

  it("is CRITICAL on an unexpected status, naming status, URL and expectation", async () => {
    const result = await httpCheck.run(
      ctx({ url: `${base}/down`, status: 200 }),
      new AbortController().signal,
    );
    expect(result.state).toBe("CRITICAL");
    expect(result.message).toContain(`HTTP 503 from ${base}/down, expected 200`);
  });

  it("defaults to expecting 2xx or 3xx, and accepts a list of statuses", async () => {
    const dflt = await httpCheck.run(ctx({ url: `${base}/down` }), new AbortController().signal);
    expect(dflt.message).toContain("expected 2xx or 3xx");
    const listed = await httpCheck.run(
      ctx({ url: `${base}/down`, status: [200, 503] }),
      new AbortController().signal,
    );
    expect(listed.state).toBe("OK");
  });

  it("checks that the body contains the expected text", async () => {
    const good = await httpCheck.run(
      ctx({ url: `${base}/`, contains: "systems go" }),
      new AbortController().signal,
    );
    expect(good.state).toBe("OK");
    const bad = await httpCheck.run(
      ctx({ url: `${base}/`, contains: "on fire" }),
      new AbortController().signal,
    );
    expect(bad.state).toBe("CRITICAL");
    expect(bad.message).toContain('body does not contain "on fire"');
  });

  it("substitutes {{target}} and {{environment}} in the URL and header values", async () => {
    const result = await httpCheck.run(
      ctx(
        {
          url: "http://{{target}}/envs/{{environment}}",
          headers: { "x-env": "{{environment}}@{{target}}" },
          contains: "staging",
        },
        { target: new URL(base).host },
      ),
      new AbortController().signal,
    );
    expect(result.state).toBe("OK");
    expect(seenHeaders.at(-1)?.["x-env"]).toBe(`staging@${new URL(base).host}`);
  });

  it("is CRITICAL with the socket error when the connection is refused", async () => {
    const port = await freePort();
    const result = await httpCheck.run(
      ctx({ url: `http://127.0.0.1:${port}/` }),
      new AbortController().signal,
    );
    expect(result.state).toBe("CRITICAL");
    expect(result.message).toContain(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it("is CRITICAL when the probe times out", async () => {
    const result = await httpCheck.run(
      ctx({ url: `${base}/slow`, timeout: "200ms" }),
      new AbortController().signal,
    );
    expect(result.state).toBe("CRITICAL");
    expect(result.message).toContain("timed out after 200ms");
  });

  it("is UNKNOWN for a URL that does not parse", async () => {
    const result = await httpCheck.run(ctx({ url: "http://[oops/" }), new AbortController().signal);
    expect(result.state).toBe("UNKNOWN");
    expect(result.message).toContain("not a valid URL");
  });

  it("refuses a target that would redirect the request, without sending it", async () => {
    const template = "http://{{target}}.internal.invalid:9/health";
    const host = new URL(base).host;
    for (const [target, shown] of [
      [`${host}#`, '"#"'],
      [`${host}?`, '"?"'],
      [`${host}/x#`, '"/"'],
      [`ops@${host}#`, '"@"'],
    ] as const) {
      // Without the check, the request (and its authorization header) would reach this server.
      expect(new URL(substitute(template, { target })).host).toBe(host);
      const before = seenHeaders.length;
      const result = await httpCheck.run(
        ctx({ url: template, headers: { authorization: "Bearer secret" } }, { target }),
        new AbortController().signal,
      );
      expect(result.state).toBe("UNKNOWN");
      expect(result.message).toBe(
        `HTTP UNKNOWN - refusing to put target ${JSON.stringify(target)} into a URL: it contains ${shown}, which would change where the request goes`,
      );
      expect(seenHeaders.length).toBe(before);
    }
  });
});
