import { resolve } from "node:path";
import type { Command } from "commander";
import { loadTokenFile } from "../repo/http/auth.js";
import { createRepoApp, DEFAULT_MAX_UPLOAD_BYTES } from "../repo/http/create-repo-app.js";
import { assertSafeRepoListen, isLoopbackHost } from "../repo/http/listen.js";
import { startRepoServer } from "../repo/http/start-repo-server.js";
import { type IncomingWatcher, watchIncoming } from "../repo/incoming.js";
import { loadSigner } from "../repo/signing.js";
import { RepoError } from "../repo/types.js";
import { EscalatorError, errorMessage } from "../util/errors.js";
import { createLogger } from "./logger.js";
import { byteSize, openRepository, ROOT_HELP, type RootOption, wholeNumber } from "./repo-common.js";

interface ServeOptions extends RootOption {
  listen: string;
  incoming?: string;
  tokenFile?: string;
  signingKey?: string;
  maxUploadBytes?: string;
  changelogLimit: string;
  publicUrl?: string;
  logLevel: string;
}

export function registerRepoServe(repo: Command): void {
  repo
    .command("serve")
    .description("serve tags and channels to dnf/yum, with the JSON API for uploads, tags and promotions")
    .option("--root <dir>", ROOT_HELP)
    .option("--listen <host:port>", "where to listen; port 0 picks a free one", "127.0.0.1:8471")
    .option(
      "--incoming <dir>",
      "import *.rpm files dropped here; refused ones move to DIR/rejected/ with a .reason",
    )
    .option("--token-file <file>", "bearer tokens for writes, one per line (# comments)")
    .option("--signing-key <file>", "armored OpenPGP private key: sign each new tag's repomd.xml")
    .option("--max-upload-bytes <n>", "largest package upload, e.g. 104857600, 512M, 2G (default 1G)")
    .option("--changelog-limit <n>", "newest changelog entries kept per package", "10")
    .option("--public-url <url>", "base URL written into .repo files (default: the request's host)")
    .option("--log-level <level>", "trace, debug, info, warn, error", "info")
    .addHelpText(
      "after",
      `
Paths:  GET /tags/TAG/repodata/repomd.xml, /tags/TAG/<package href>, /tags/TAG.repo
        GET /channels/NAME/..., /channels/NAME.repo (the tag the channel points at now)
API:    POST /api/v1/packages (body: the .rpm), GET /api/v1/packages
        POST /api/v1/tags {"name"?, "packages"?}, GET /api/v1/tags[/TAG], GET /api/v1/tags/A/diff/B,
        DELETE /api/v1/tags/TAG, PUT /api/v1/channels/NAME {"tag"}, GET /api/v1/channels[/NAME]
Writes need "Authorization: Bearer TOKEN" once --token-file is given; a non-loopback --listen
without a token file is refused. The passphrase of a protected signing key is read from
$ESCALATOR_REPO_KEY_PASSPHRASE. Logs are JSON lines (pino); SIGTERM or Ctrl-C stops.

Examples:
  escalator repo serve --root /srv/yumtags
  escalator repo serve --root /srv/yumtags --listen 0.0.0.0:8471 --token-file /etc/escalator/repo-tokens
  escalator repo serve --root /srv/yumtags --incoming /srv/incoming --signing-key /etc/escalator/repo-key.asc
  curl -H "Authorization: Bearer $TOKEN" --data-binary @hello-1.0-1.noarch.rpm http://host:8471/api/v1/packages
  curl -o /etc/yum.repos.d/prod.repo http://host:8471/channels/prod.repo`,
    )
    .action(async (options: ServeOptions) => {
      const tokens = options.tokenFile === undefined ? [] : loadTokenFile(resolve(options.tokenFile));
      const listen = assertSafeRepoListen(options.listen, tokens);
      const maxUploadBytes =
        options.maxUploadBytes === undefined
          ? DEFAULT_MAX_UPLOAD_BYTES
          : byteSize(options.maxUploadBytes, "--max-upload-bytes");
      const changelogLimit = wholeNumber(options.changelogLimit, "--changelog-limit");
      if (options.publicUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(options.publicUrl)) {
        throw new EscalatorError("USAGE", `--public-url must be an http(s) URL, got "${options.publicUrl}"`);
      }
      let signer: Awaited<ReturnType<typeof loadSigner>> | undefined;
      if (options.signingKey !== undefined) {
        try {
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
                for (const e of result.errors)
                  logger.error({ file: e.file, err: e.error }, "incoming failed");
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
    });
}
