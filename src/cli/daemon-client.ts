import { resolve } from "node:path";
import type { ResolvedConfig } from "../config/load-config.js";
import { loadApiTokens, parseListen } from "../server/tokens.js";
import type { StatusView } from "../server/types.js";

export interface DaemonClient {
  base: string;
  /** The daemon's own view, from GET /api/v1/status. */
  status: StatusView;
  /** POSTs JSON with the bearer token; returns the status and the parsed body. */
  post(
    path: string,
    body: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** The API tokens this config names (token file and environment variable). */
export function configTokens(config: ResolvedConfig): string[] {
  return loadApiTokens({
    tokenFile: config.api.token_file === undefined ? undefined : resolve(config.dir, config.api.token_file),
    tokenEnv: config.api.token_env,
  });
}

/**
 * The running daemon of this environment, when one answers on its listen address; commands
 * then go through its API (which applies them at once). Otherwise they write to the store,
 * which the daemon reads every second when it comes up.
 */
export async function connectDaemon(config: ResolvedConfig): Promise<DaemonClient | undefined> {
  const { host, port } = parseListen(config.listen);
  const connectHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  const base = `http://${connectHost.includes(":") ? `[${connectHost}]` : connectHost}:${port}`;
  let status: StatusView;
  try {
    const response = await fetch(`${base}/api/v1/status`, { signal: AbortSignal.timeout(1_500) });
    if (!response.ok) return undefined;
    status = (await response.json()) as StatusView;
    if (status.environment !== config.environment) return undefined;
  } catch {
    return undefined;
  }
  const token = configTokens(config)[0];
  return {
    base,
    status,
    async post(path, body) {
      const response = await fetch(`${base}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      return { status: response.status, body: parsed };
    },
  };
}
