import type { Command } from "commander";
import { ROOT_HELP } from "./repo-common.js";
import type { ServeOptions } from "./repo-serve-action.js";

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
    .option("--max-concurrent-uploads <n>", "uploads received at once; more get 503 and Retry-After", "4")
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
$ESCALATOR_REPO_KEY_PASSPHRASE. An upload that sends nothing for 60 s is aborted. JSON bodies need
"Content-Type: application/json". Logs are JSON lines (pino); SIGTERM or Ctrl-C stops.

Examples:
  escalator repo serve --root /srv/yumtags
  escalator repo serve --root /srv/yumtags --listen 0.0.0.0:8471 --token-file /etc/escalator/repo-tokens
  escalator repo serve --root /srv/yumtags --incoming /srv/incoming --signing-key /etc/escalator/repo-key.asc
  curl -H "Authorization: Bearer $TOKEN" --data-binary @hello-1.0-1.noarch.rpm http://host:8471/api/v1/packages
  curl -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"name":"r42"}' http://host:8471/api/v1/tags
  curl -o /etc/yum.repos.d/prod.repo http://host:8471/channels/prod.repo`,
    )
    .action(async (options: ServeOptions) => {
      const { serveRepository } = await import("./repo-serve-action.js");
      await serveRepository(options);
    });
}
