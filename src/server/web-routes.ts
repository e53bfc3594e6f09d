import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { DASHBOARD_CSS } from "../web/dashboard-css.js";
import { DASHBOARD_HTML, MODULE_PRELOADS } from "../web/dashboard-html.js";

/**
 * Where the compiled client modules are: dist/web/client, from src/server (Vitest) and from
 * dist/server (the package) alike.
 */
export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL("../../dist/web/client/", import.meta.url));

/** Same origin only, nothing inline: the page loads its own module and stylesheet, and the API. */
const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

interface Asset {
  body: string;
  etag: string;
  mtimeMs: number;
}

const MODULE_FILE = /^[a-z0-9-]+\.mjs$/;

/** The page with a modulepreload link per client module, so the browser fetches them all at once. */
function pageWithPreloads(clientDir: string): string {
  let modules: string[] = [];
  try {
    // app.mjs is the page's script itself; *-types.mjs hold only types (empty once compiled).
    modules = readdirSync(clientDir).filter(
      (f) => MODULE_FILE.test(f) && f !== "app.mjs" && !f.endsWith("-types.mjs"),
    );
  } catch {
    // Not built: the page still loads, and /assets/app.mjs answers 404 saying to build.
  }
  const links = modules.sort().map((f) => `<link rel="modulepreload" href="/assets/${f}">`);
  return DASHBOARD_HTML.replace(MODULE_PRELOADS, links.join("\n"));
}

const etagOf = (text: string) => `"${createHash("sha256").update(text).digest("base64url").slice(0, 22)}"`;

/**
 * The dashboard: `GET /` (the page) and `GET /assets/...` (its stylesheet and client modules).
 * Everything is revalidated (ETag, no-cache) so a new build shows at the next load.
 */
export function webRoutes(options: { clientDir?: string } = {}): Hono {
  const clientDir = options.clientDir ?? DEFAULT_CLIENT_DIR;
  const cache = new Map<string, Asset>();
  const routes = new Hono();
  let html: { body: string; etag: string } | undefined;
  const css = { body: DASHBOARD_CSS, etag: etagOf(DASHBOARD_CSS) };

  const send = (request: Request, asset: { body: string; etag: string }, type: string) => {
    const headers = {
      ...SECURITY_HEADERS,
      "Content-Type": type,
      "Cache-Control": "no-cache",
      ETag: asset.etag,
    };
    if (request.headers.get("if-none-match") === asset.etag)
      return new Response(null, { status: 304, headers });
    return new Response(asset.body, { status: 200, headers });
  };

  routes.get("/", (c) => {
    if (!html) {
      const body = pageWithPreloads(clientDir);
      html = { body, etag: etagOf(body) };
    }
    return send(c.req.raw, html, "text/html; charset=utf-8");
  });
  routes.get("/assets/style.css", (c) => send(c.req.raw, css, "text/css; charset=utf-8"));
  routes.get("/assets/:file{[a-z0-9-]+\\.mjs}", async (c) => {
    const file = c.req.param("file");
    const path = join(clientDir, file);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      return c.text(`no asset ${file}: is the dashboard built? (npm run build)`, 404, SECURITY_HEADERS);
    }
    let asset = cache.get(file);
    if (asset?.mtimeMs !== info.mtimeMs) {
      const body = await readFile(path, "utf8");
      asset = { body, etag: etagOf(body), mtimeMs: info.mtimeMs };
      cache.set(file, asset);
    }
    return send(c.req.raw, asset, "text/javascript; charset=utf-8");
  });

  return routes;
}
