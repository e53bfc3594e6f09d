import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { EscalatorError, errorMessage } from "../util/errors.js";
import { isLoopbackHost, parseListen } from "../util/listen-address.js";

export { isLoopbackHost, parseListen };

export interface LoadApiTokensOptions {
  /** Absolute path of a file with one token per non-empty line. */
  tokenFile?: string;
  /** Name of the environment variable holding a token, e.g. ESCALATOR_API_TOKEN. */
  tokenEnv: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The bearer tokens the API accepts: every non-empty line of the token file (trimmed) and the
 * environment variable, without duplicates. A token file that cannot be read, or holds no token,
 * is a config error: silently running without the token the operator meant to set is not safe.
 */
export function loadApiTokens(options: LoadApiTokensOptions): string[] {
  const { tokenFile, tokenEnv, env = process.env } = options;
  const tokens: string[] = [];
  if (tokenFile !== undefined) {
    if (!isAbsolute(tokenFile)) {
      throw new EscalatorError("USAGE", `the API token file path must be absolute, got "${tokenFile}"`);
    }
    let text: string;
    try {
      text = readFileSync(tokenFile, "utf8");
    } catch (error) {
      throw new EscalatorError(
        "CONFIG_INVALID",
        `cannot read the API token file ${tokenFile}: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
    const fromFile = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== "");
    if (fromFile.length === 0) {
      throw new EscalatorError("CONFIG_INVALID", `the API token file ${tokenFile} holds no token`);
    }
    tokens.push(...fromFile);
  }
  const fromEnv = env[tokenEnv]?.trim();
  if (fromEnv) tokens.push(fromEnv);
  return [...new Set(tokens)];
}

/**
 * Refuses to serve the API beyond this machine without a token: with no token every request
 * that changes something is allowed, which is only acceptable on loopback.
 */
export function assertSafeListen(listen: string, tokens: readonly string[]): void {
  const { host } = parseListen(listen);
  if (tokens.length > 0 || isLoopbackHost(host)) return;
  throw new EscalatorError(
    "USAGE",
    `refusing to listen on ${listen} without an API token: anyone who can reach it could pause, silence or approve. ` +
      "Set ESCALATOR_API_TOKEN (or api.token_env) or api.token_file, or listen on 127.0.0.1",
  );
}
