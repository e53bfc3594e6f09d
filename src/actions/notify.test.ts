import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/free-port.js";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import type { NotifyConfig } from "../config/schema.js";
import { notify } from "./notify.js";
import type { Notification } from "./types.js";

const dir = tmpDir();
let server: Server;
let base: string;
const bodies: unknown[] = [];

const notification: Notification = {
  environment: "staging",
  severity: "critical",
  summary: "level reboot failed on node-1 after 3 attempts",
  escalationId: "esc-9",
  details: { level: "reboot", target: "node-1" },
};

beforeAll(async () => {
  writeFileSync(
    join(dir.path, "page.mjs"),
    [
      "import { writeFileSync } from 'node:fs';",
      "const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ESCALATOR_') || k === 'PAGER'));",
      "writeFileSync('paged.json', JSON.stringify({ argv: process.argv.slice(2), env }));",
    ].join("\n"),
  );
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(req.url === "/broken" ? 500 : 200).end(req.url === "/broken" ? "pager down" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  dir.remove();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("notify", () => {
  it("runs command channels with argv unchanged and the notification in ESCALATOR_* variables", async () => {
    const channels: NotifyConfig[] = [
      { command: [process.execPath, "page.mjs", "{{target}}", "--summary"], env: { PAGER: "ops" } },
    ];
    const outcomes = await notify(channels, notification, { cwd: dir.path });
    expect(outcomes).toEqual([{ channel: `#1 command ${process.execPath}`, ok: true }]);
    const paged = JSON.parse(readFileSync(join(dir.path, "paged.json"), "utf8"));
    expect(paged.argv).toEqual(["{{target}}", "--summary"]);
    expect(paged.env).toEqual({
      PAGER: "ops",
      ESCALATOR_ENVIRONMENT: "staging",
      ESCALATOR_SEVERITY: "critical",
      ESCALATOR_SUMMARY: notification.summary,
      ESCALATOR_ESCALATION_ID: "esc-9",
      ESCALATOR_NOTIFICATION: JSON.stringify(notification),
    });
  });

  it("POSTs the notification as JSON to webhook channels", async () => {
    const before = bodies.length;
    const outcomes = await notify([{ webhook: { url: `${base}/page?token=secret` } }], notification, {
      cwd: dir.path,
    });
    expect(outcomes).toEqual([{ channel: `#1 webhook ${base}/page`, ok: true }]);
    expect(bodies.slice(before)).toEqual([notification]);
  });

  it("attempts every channel even when some fail, reporting each", async () => {
    const closed = await freePort();
    const before = bodies.length;
    const channels: NotifyConfig[] = [
      { command: ["./no-such-pager"] },
      { webhook: { url: `http://127.0.0.1:${closed}/page` } },
      { webhook: { url: `${base}/broken` } },
      { command: [process.execPath, "-e", "process.exit(3)"] },
      { command: ["sleep", "30"], timeout: 200 },
      { webhook: { url: `${base}/page` } },
    ];
    const outcomes = await notify(channels, notification, { cwd: dir.path });
    expect(outcomes.map((o) => [o.ok, o.error])).toEqual([
      [false, "program not found: ./no-such-pager"],
      [false, `connect ECONNREFUSED 127.0.0.1:${closed}`],
      [false, "HTTP 500: pager down"],
      [false, "exit 3"],
      [false, "timed out after 200ms"],
      [true, undefined],
    ]);
    expect(bodies.slice(before)).toEqual([notification, notification]);
  });

  it("returns no outcomes for no channels", async () => {
    expect(await notify([], notification, { cwd: dir.path })).toEqual([]);
  });
});
