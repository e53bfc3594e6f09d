import { resolve } from "node:path";
import { loadTokenFile } from "../repo/http/auth.js";
import { createRepoApp, DEFAULT_MAX_UPLOAD_BYTES } from "../repo/http/create-repo-app.js";
import { assertSafeRepoListen, isLoopbackHost } from "../repo/http/listen.js";
import { startRepoServer } from "../repo/http/start-repo-server.js";
import { type IncomingWatcher, watchIncoming } from "../repo/incoming.js";
import type { loadSigner } from "../repo/signing.js";
import { RepoError } from "../repo/types.js";
import { EscalatorError, errorMessage } from "../util/errors.js";
import { createLogger } from "./logger.js";
import { byteSize, openRepository, type RootOption, wholeNumber } from "./repo-common.js";

export interface ServeOptions extends RootOption {
  listen: string;
  incoming?: string;
  tokenFile?: string;
  signingKey?: string;
  maxUploadBytes?: string;
  maxConcurrentUploads: string;
  changelogLimit: string;
  publicUrl?: string;
  logLevel: string;
}

/** `escalator repo serve`: tags and channels over HTTP until a signal stops it. */
export async function serveRepository(options: ServeOptions): Promise<void> {
  const tokens = options.tokenFile === undefined ? [] : loadTokenFile(resolve(options.tokenFile));
  const listen = assertSafeRepoListen(options.listen, tokens);
  const maxUploadBytes =
    options.maxUploadBytes === undefined
      ? DEFAULT_MAX_UPLOAD_BYTES
      : byteSize(options.maxUploadBytes, "--max-upload-bytes");
  const changelogLimit = wholeNumber(options.changelogLimit, "--changelog-limit");
  const maxConcurrentUploads = wholeNumber(options.maxConcurrentUploads, "--max-concurrent-uploads", 1);
  if (options.publicUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(options.publicUrl)) {
    throw new EscalatorError("USAGE", `--public-url must be an http(s) URL, got "${options.publicUrl}"`);
  }
  let signer: Awaited<ReturnType<typeof loadSigner>> | undefined;
  if (options.signingKey !== undefined) {
    try {
      // OpenPGP is loaded only for a server that signs.
      const { loadSigner } = await import("../repo/signing.js");
      signer = await loadSigner(resolve(options.signingKey), process.env.ESCALATOR_REPO_KEY_PASSPHRASE);
    } catch (error) {
      if (error instanceof RepoError) throw new EscalatorError("USAGE", error.message, { cause: error });
      throw error;
    }
  }
  const logger = createLogger({ level: options.logLevel });
  const repository = await openRepository(options, {
    create: true,
    changelogLimit,
    maxPackageBytes: maxUploadBytes,
    ...(signer ? { signer } : {}),
  });
  let stopRequested: () => void = () => {};
  const stopped = new Promise<void>((done) => {
    stopRequested = done;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "stopping");
    stopRequested();
  };
  const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];
  for (const name of signals) process.on(name, onSignal);
  let watcher: IncomingWatcher | undefined;
  try {
    const app = createRepoApp({
      repository,
      tokens,
      maxUploadBytes,
      maxConcurrentUploads,
      logger,
      ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
      // Open writes on loopback: only for requests addressed to loopback (no DNS rebinding).
      ...(tokens.length === 0 && isLoopbackHost(listen.host)
        ? {
            allowedHosts: [
              "localhost",
              "127.0.0.1",
              "::1",
              listen.host,
              ...(options.publicUrl ? [new URL(options.publicUrl).hostname.replace(/^\[|\]$/g, "")] : []),
            ],
          }
        : {}),
    });
    const server = await startRepoServer(app, listen, logger);
    try {
      if (options.incoming !== undefined) {
        const dir = resolve(options.incoming);
        watcher = await watchIncoming(repository, dir, {
          onResult: (result) => {
            for (const i of result.imported)
              logger.info({ file: i.file, nevra: i.nevra, status: i.status }, "incoming imported");
            for (const r of result.rejected)
              logger.warn({ file: r.file, code: r.code, reason: r.reason }, "incoming rejected");
            for (const e of result.errors) logger.error({ file: e.file, err: e.error }, "incoming failed");
          },
          onError: (error) => logger.error({ err: errorMessage(error), dir }, "incoming pass failed"),
        });
        logger.info({ dir }, "watching incoming");
      }
      await stopped;
    } finally {
      await watcher?.stop();
      await server.close();
    }
  } finally {
    for (const name of signals) process.off(name, onSignal);
    repository.close();
  }
  logger.info("stopped");
}
