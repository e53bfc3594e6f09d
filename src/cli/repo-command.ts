import type { Command } from "commander";
import { registerRepoPoolCommands } from "./repo-pool-commands.js";
import { registerRepoServe } from "./repo-serve-command.js";
import { registerRepoTagCommands } from "./repo-tag-commands.js";

/** `escalator repo ...`: Yumtags, frozen and tagged RPM repositories (issue 7). */
export function registerRepo(program: Command): void {
  const repo = program
    .command("repo")
    .description("Yumtags: a package pool, immutable tags and promotable channels that dnf installs from")
    .addHelpText(
      "after",
      `
The repository folder is --root DIR on each command, or $ESCALATOR_REPO_ROOT.
Exit codes: 0 ok, 1 a refusal or failure, 2 a usage error.

Examples:
  escalator repo add --root /srv/yumtags build/RPMS/*/*.rpm
  escalator repo tag --root /srv/yumtags release-42
  escalator repo promote --root /srv/yumtags prod release-42
  escalator repo diff --root /srv/yumtags release-41 release-42
  escalator repo serve --root /srv/yumtags --listen 0.0.0.0:8471 --token-file /etc/escalator/repo-tokens
  escalator repo index ./rpms                 a one-shot createrepo`,
    );
  registerRepoPoolCommands(repo);
  registerRepoTagCommands(repo);
  registerRepoServe(repo);
  for (const command of repo.commands) command.exitOverride();
}
