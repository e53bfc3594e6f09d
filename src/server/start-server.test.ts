import { Agent, request as httpRequest } from "node:http";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "./create-app.js";
import { FakeEngineControl } from "./fake-engine-control.js";
import { type RunningServer, startServer } from "./start-server.js";

const logger = pino({ enabled: false });
const running: RunningServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(control = new FakeEngineControl(), tokens: string[] = ["tok"]) {
  const app = createApp({ control, tokens });
  const server = await startServer({ app, listen: { host: "127.0.0.1", port: 0 }, logger });
  running.push(server);
  return { server, control, base: `http://127.0.0.1:${server.port}` };
}

describe("startServer", () => {
  it("listens on a free port when given 0 and serves /healthz over real HTTP", async () => {
    const { server, base } = await start();
    expect(server.address).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
    const res = await fetch(`${base}/healthz`);
    expect([res.status, await res.text()]).toEqual([200, "ok"]);
  });

  it("enforces the token and the size limit over real HTTP", async () => {
    const { base, control } = await start();
    const wrong = await fetch(`${base}/api/v1/resume`, {
      method: "POST",
      headers: { Authorization: "Bearer no" },
    });
    expect(wrong.status).toBe(401);
    const big = await fetch(`${base}/api/v1/ack`, {
      method: "POST",
      headers: { Authorization: "Bearer tok", "Content-Type": "application/json" },
      body: JSON.stringify({ note: "x".repeat(2_000_000) }),
    });
    expect(big.status).toBe(413);
    expect(control.calls).toEqual([]);
    const ok = await fetch(`${base}/api/v1/resume`, {
      method: "POST",
      headers: { Authorization: "Bearer tok", "Content-Type": "application/json" },
    });
    expect(ok.status).toBe(200);
  });

  it("close() ends a connected SSE client promptly and unsubscribes it", async () => {
    const { server, base, control } = await start();
    const res = await fetch(`${base}/api/v1/events`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain(": connected");
    expect(control.listeners.size).toBe(1);

    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(control.unsubscribed).toBe(1);
    const rest = await reader.read().catch(() => ({ done: true }));
    expect(rest.done).toBe(true);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it("close() lets a request in flight finish", async () => {
    const control = new FakeEngineControl();
    let release = () => {};
    let asked = false;
    control.status = () =>
      new Promise((resolve) => {
        asked = true;
        release = () => resolve(JSON.parse("{}"));
      });
    const { server, base } = await start(control);
    const pending = fetch(`${base}/api/v1/status`);
    for (let i = 0; i < 100 && !asked; i++) await new Promise((r) => setTimeout(r, 5));
    const closed = server.close();
    release();
    expect((await pending).status).toBe(200);
    await closed;
  });

  it("answers HEAD /healthz, and an idle keep-alive connection does not hold close()", async () => {
    const { server } = await start();
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: "127.0.0.1", port: server.port, path: "/healthz", method: "HEAD", agent },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    agent.destroy();
  });

  it("rejects with USAGE when the address is taken", async () => {
    const { server } = await start();
    const app = createApp({ control: new FakeEngineControl(), tokens: [] });
    await expect(
      startServer({ app, listen: { host: "127.0.0.1", port: server.port }, logger }),
    ).rejects.toMatchObject({
      code: "USAGE",
      message: expect.stringContaining("EADDRINUSE"),
    });
  });
});
