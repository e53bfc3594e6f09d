import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { errorMessage } from "../util/errors.js";
import { alertIntakeRoute } from "./alert-intake-route.js";
import { apiError } from "./api-error.js";
import { bearerAuth } from "./bearer-auth.js";
import { browserGuard } from "./browser-guard.js";
import { controlRoutes } from "./control-routes.js";
import { eventStreamRoute } from "./event-stream.js";
import { queryRoutes } from "./query-routes.js";
import type { RepoBrowser } from "./repo-browser.js";
import { repoRoutes } from "./repo-routes.js";
import type { EngineControl } from "./types.js";
import { webRoutes } from "./web-routes.js";

export interface CreateAppOptions {
  control: EngineControl;
  /**
   * Bearer tokens accepted on requests that change something (every method but GET and HEAD).
   * When empty, such requests are allowed without a token: that is safe only because the daemon
   * refuses to listen on a non-loopback address without a token (`assertSafeListen`).
   */
  tokens: readonly string[];
  logger?: Logger;
  /** Largest request body in bytes; 1 MiB by default. Larger bodies get 413. */
  maxBodyBytes?: number;
  /** Base URL humans reach the API at, used for the links in `GET /api/v1`. */
  publicUrl?: string;
  /** Interval of SSE heartbeat comments; 15 s by default. */
  heartbeatMs?: number;
  /** Host names the API answers to (DNS-rebinding guard); unset: any. */
  allowedHosts?: readonly string[];
  /** Folder of the compiled dashboard modules; dist/web/client by default. */
  dashboardClientDir?: string;
  /**
   * The Yumtags repository the dashboard shows (config `repo:`), from `repoBrowser()`. The caller
   * owns it and closes it after the server. Without it, `/api/v1/repo/...` answers 404 NOT_CONFIGURED.
   */
  repo?: RepoBrowser;
}

const API = "/api/v1";

function describeBytes(bytes: number): string {
  if (bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * The daemon's HTTP API: status and history, control (pause, resume, silences, approve, reject,
 * ack), Alertmanager intake, an SSE event stream, /metrics and /healthz; and the dashboard at `/`. Every error is JSON
 * `{ error, code }`. Test it with `app.request()`; serve it with `startServer`.
 */
export function createApp(options: CreateAppOptions): Hono {
  const { control, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    if (c.req.method === "GET" && c.res.status < 500) return;
    const entry = {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    };
    if (c.res.status >= 500) logger?.error(entry, "API request failed");
    else logger?.info(entry, "API request");
  });
  app.use(bearerAuth(options.tokens));
  app.use(browserGuard({ allowedHosts: options.allowedHosts }));
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        apiError(
          c,
          413,
          "BODY_TOO_LARGE",
          `request body is larger than the limit of ${describeBytes(maxBodyBytes)}`,
        ),
    }),
  );

  app.get("/healthz", (c) => c.text("ok"));
  app.route(
    "/",
    webRoutes(options.dashboardClientDir === undefined ? {} : { clientDir: options.dashboardClientDir }),
  );
  app.get("/metrics", async (c) => {
    const { contentType, body } = await control.metrics();
    return c.body(body, 200, { "Content-Type": contentType });
  });
  app.get(API, (c) => {
    const base = (options.publicUrl ?? "").replace(/\/+$/, "");
    const link = (path: string) => `${base}${API}${path}`;
    return c.json({
      environment: control.environment,
      /** Whether requests that change something need a bearer token (the dashboard asks first). */
      tokenRequired: options.tokens.length > 0,
      /** The dashboard's optional pages this environment has: value verdicts, repository tags. */
      features: { ...control.features, repo: options.repo !== undefined },
      status: link("/status"),
      checks: link("/checks"),
      escalations: link("/escalations"),
      transitions: link("/transitions"),
      ladder: link("/ladder"),
      verdicts: link("/verdicts"),
      repoTags: link("/repo/tags"),
      events: link("/events"),
      alertmanager: link("/alertmanager"),
    });
  });
  app.route(API, queryRoutes(control));
  app.route(API, repoRoutes(options.repo));
  app.route(API, controlRoutes(control));
  app.route(API, alertIntakeRoute(control));
  app.route(
    API,
    eventStreamRoute(control, {
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
      ...(logger === undefined ? {} : { logger }),
    }),
  );

  app.notFound((c) => apiError(c, 404, "NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      return apiError(
        c,
        error.status,
        error.status === 413 ? "BODY_TOO_LARGE" : "INVALID_BODY",
        error.message,
      );
    }
    logger?.error({ err: error, method: c.req.method, path: c.req.path }, "API handler failed");
    return apiError(c, 500, "INTERNAL", `internal error: ${errorMessage(error)}`);
  });

  return app;
}
