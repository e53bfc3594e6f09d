import { Hono } from "hono";
import type { Logger } from "pino";
import type { RepositoryApi } from "../types.js";
import { apiRoutes } from "./api-routes.js";
import { requireBearer } from "./auth.js";
import { browserGuard } from "./browser-guard.js";
import { HttpError, isUploadAbort, jsonError } from "./errors.js";
import { allowOnly } from "./method-not-allowed.js";
import { publishRoutes } from "./publish-routes.js";

/** 1 GiB: the default upload limit. */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

export interface CreateRepoAppOptions {
  repository: RepositoryApi;
  /** Bearer tokens for writes; none: writes are open (only allowed on loopback, see assertSafeRepoListen). */
  tokens?: readonly string[];
  /** Largest package upload; 1 GiB by default. */
  maxUploadBytes?: number;
  /** Uploads received at once (more get 503 BUSY with Retry-After); 4 by default. */
  maxConcurrentUploads?: number;
  /** An upload sending no byte for this long is aborted; 60 s by default. */
  uploadIdleMs?: number;
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
    if (c.res.status === 503) logger?.warn(entry, "repo request refused: busy");
    else if (c.res.status >= 500) logger?.error(entry, "repo request failed");
    else logger?.info(entry, "repo request");
  });
  app.use(requireBearer(options.tokens ?? []));
  app.use(browserGuard(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }));

  app.get("/healthz", (c) => c.text("ok"));
  allowOnly(app, "/healthz", ["GET"]);
  app.route(
    "/api/v1",
    apiRoutes(repository, {
      maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      ...(options.maxConcurrentUploads === undefined
        ? {}
        : { maxConcurrentUploads: options.maxConcurrentUploads }),
      ...(options.uploadIdleMs === undefined ? {} : { uploadIdleMs: options.uploadIdleMs }),
    }),
  );
  app.route(
    "/",
    publishRoutes(repository, options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
  );

  app.notFound((c) => jsonError(c, "NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    // A client that disconnected or stalled mid-upload is the network's doing, not a server fault.
    if (error instanceof HttpError && isUploadAbort(error)) {
      logger?.warn(
        { method: c.req.method, path: c.req.path, code: error.code, reason: error.message },
        error.code === "CLIENT_GONE" ? "client went away" : "upload timed out",
      );
      return jsonError(c, error.code, error.message);
    }
    logger?.error({ err: error, method: c.req.method, path: c.req.path }, "repo handler failed");
    const reason = error instanceof Error ? error.message : String(error);
    return jsonError(c, "INTERNAL", `internal error: ${reason}`);
  });
  return app;
}
