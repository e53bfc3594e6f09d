import { EscalatorError } from "../../util/errors.js";
import { isLoopbackHost, parseListen } from "../../util/listen-address.js";

export { isLoopbackHost, parseListen };

/** Refuses a non-loopback address without tokens: anyone reaching it could upload, tag and delete. */
export function assertSafeRepoListen(
  listen: string,
  tokens: readonly string[],
): { host: string; port: number } {
  const parsed = parseListen(listen);
  if (tokens.length > 0 || isLoopbackHost(parsed.host)) return parsed;
  throw new EscalatorError(
    "USAGE",
    `refusing to listen on ${listen} without a token file: anyone who can reach it could upload, tag, promote and delete. ` +
      "Give --token-file FILE (one token per line), or listen on 127.0.0.1",
  );
}
