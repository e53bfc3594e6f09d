import { Hono } from "hono";
import type { Logger } from "pino";
import type { RepositoryApi } from "../types.js";
import { apiRoutes } from "./api-routes.js";
import { requireBearer } from "./auth.js";
import { browserGuard } from "./browser-guard.js";
import { jsonError } from "./errors.js";
import { publishRoutes } from "./publish-routes.js";

/** 1 GiB: the default upload limit. */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

export interface CreateRepoAppOptions {
  repository: RepositoryApi;
  /** Bearer tokens for writes; none: writes are open (only allowed on loopback, see assertSafeRepoListen). */
  tokens?: readonly string[];
  /** Largest package upload; 1 GiB by default. */
  maxUploadBytes?: number;
  /** Base URL for .repo files; the request's origin by default. */
  publicUrl?: string;
  logger?: Logger;
  /**
   * Host names writes must be addressed to (DNS-rebinding guard); unset: any. `repo serve` sets it
   * when it listens on loopback without tokens.
   */
  allowedHosts?: readonly string[];
}

/**
 * The Yumtags server: the published tags and channels that dnf reads (GET and HEAD), and the JSON
 * API under /api/v1 that CI writes to. Every error is `{ error, code }`. Test with `app.request()`.
 */
export function createRepoApp(options: CreateRepoAppOptions): Hono {
  const { repository, logger } = options;
  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    if ((c.req.method === "GET" || c.req.method === "HEAD") && c.res.status < 500) return;
    const entry = {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    };
    if (c.res.status >= 500) logger?.error(entry, "repo request failed");
    else logger?.info(entry, "repo request");
  });
  app.use(requireBearer(options.tokens ?? []));
  app.use(browserGuard(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }));

  app.get("/healthz", (c) => c.text("ok"));
  app.route(
    "/api/v1",
    apiRoutes(repository, { maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES }),
  );
  app.route(
    "/",
    publishRoutes(repository, options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
  );

  app.notFound((c) => jsonError(c, "NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    logger?.error({ err: error, method: c.req.method, path: c.req.path }, "repo handler failed");
    const reason = error instanceof Error ? error.message : String(error);
    return jsonError(c, "INTERNAL", `internal error: ${reason}`);
  });
  return app;
}
