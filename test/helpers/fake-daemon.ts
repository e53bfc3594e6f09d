import { existsSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { createApp } from "../../src/server/create-app.js";
import type { FakeEngineControl } from "../../src/server/fake-engine-control.js";
import type { RepoBrowser } from "../../src/server/repo-browser.js";
import { startServer } from "../../src/server/start-server.js";
import { DEFAULT_CLIENT_DIR } from "../../src/server/web-routes.js";

/**
 * The daemon's real HTTP app and dashboard over a fake engine, on a free loopback port: for page
 * tests that need data the demo cannot make (1,000 targets, value verdicts, a repository).
 */
export async function startFakeDaemon(
  control: FakeEngineControl,
  tokens: readonly string[] = [],
  options: { repo?: RepoBrowser } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(DEFAULT_CLIENT_DIR, "app.mjs"))) {
    throw new Error("the dashboard is not built: run `npm run build` first");
  }
  const app = createApp({ control, tokens, ...(options.repo ? { repo: options.repo } : {}) });
  const server = await startServer({
    app,
    listen: { host: "127.0.0.1", port: 0 },
    logger: pino({ level: "silent" }),
  });
  return { url: `http://127.0.0.1:${server.port}`, close: () => server.close() };
}
