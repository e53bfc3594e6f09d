import { existsSync, statSync } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { AddResult } from "../repo/types.js";
import { EscalatorError } from "../util/errors.js";
import { EXIT } from "./command-context.js";
import {
  byteSize,
  describeError,
  openRepository,
  progressBar,
  progressWanted,
  ROOT_HELP,
  type RootOption,
  repoAction,
  wholeNumber,
  withRepository,
} from "./repo-common.js";

/** The files to add: each argument is a file, or a folder searched for *.rpm. */
async function expandFiles(args: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    const info = statSync(arg, { throwIfNoEntry: false });
    if (info === undefined) throw new EscalatorError("USAGE", `no such file or folder: ${arg}`);
    if (!info.isDirectory()) {
      files.push(arg);
      continue;
    }
    const found = await readdir(arg, { recursive: true, encoding: "utf8" });
    files.push(
      ...found
        .filter((name) => name.endsWith(".rpm"))
        .sort()
        .map((name) => join(arg, name)),
    );
  }
  return files;
}

function registerAdd(repo: Command): void {
  repo
    .command("add")
    .description("add .rpm files (or folders of them) to the repository's package pool")
    .argument("<files...>", ".rpm files, or folders searched for *.rpm")
    .option("--root <dir>", ROOT_HELP)
    .option("--max-package-bytes <n>", "largest package accepted, e.g. 512M, 2G (default 1G)")
    .addHelpText(
      "after",
      `
A file already in the pool is fine ("exists"); the same name-version-release.arch with other
content, or a file that is not an RPM, is refused and nothing of it is stored. The other files
are still added. On a terminal a progress bar shows the import.

Exit codes: 0 every file added or already there, 1 one was refused, 2 usage error.

Examples:
  escalator repo add --root /srv/yumtags build/RPMS/x86_64/*.rpm
  escalator repo add --root /srv/yumtags build/RPMS
  escalator repo add --root /srv/yumtags --max-package-bytes 4G huge-firmware-1.0-1.x86_64.rpm
  ESCALATOR_REPO_ROOT=/srv/yumtags escalator --json repo add hello-1.0-1.noarch.rpm`,
    )
    .action(
      repoAction(async (output, args: string[], options: RootOption & { maxPackageBytes?: string }) => {
        const maxPackageBytes =
          options.maxPackageBytes === undefined
            ? undefined
            : byteSize(options.maxPackageBytes, "--max-package-bytes");
        const files = await expandFiles(args);
        const added: (AddResult & { file: string })[] = [];
        const refused: { file: string; code: string; error: string }[] = [];
        const bar = progressWanted() && files.length > 1 ? progressBar() : undefined;
        await withRepository(
          await openRepository(options, {
            create: true,
            ...(maxPackageBytes === undefined ? {} : { maxPackageBytes }),
          }),
          async (repository) => {
            for (const [i, file] of files.entries()) {
              bar?.update(i, files.length, file);
              try {
                const result = await repository.addFile(file);
                added.push({ ...result, file });
                if (!output.json && !bar)
                  output.line(`${result.status === "created" ? "added " : "exists"} ${result.nevra}`);
              } catch (error) {
                const described = describeError(error);
                if (described.code === "TOO_LARGE") described.error += "; raise it with --max-package-bytes";
                refused.push({ file, ...described });
                if (!output.json) {
                  bar?.clear();
                  output.error(`refused ${file}: ${described.error}`);
                }
              }
            }
            bar?.update(files.length, files.length, "done");
            bar?.clear();
          },
        );
        if (refused.length > 0) process.exitCode = EXIT.failure;
        if (output.json) return output.data({ added, refused });
        const created = added.filter((a) => a.status === "created").length;
        output.line(
          `${created} added, ${added.length - created} already there${refused.length > 0 ? `, ${refused.length} refused` : ""}`,
        );
      }),
    );
}

function registerIndex(repo: Command): void {
  repo
    .command("index")
    .description("write DIR/repodata for the .rpm files under DIR (a createrepo replacement)")
    .argument("<dir>", "folder of .rpm files")
    .option("--changelog-limit <n>", "newest changelog entries kept per package", "10")
    .option("--skip-invalid", "warn about files that are not valid RPMs and index the rest (exit 1)")
    .addHelpText(
      "after",
      `
The new metadata is written to a temporary folder first, and the old repodata/ stays until it is
complete; the switch is two renames (old out, new in), so a reader at that instant may find no
repodata/ for a moment and should retry. On any error the old repodata/ is kept.

A file that is not a valid RPM fails the command, naming it. With --skip-invalid (createrepo_c's
behaviour) it is reported and left out, the rest is indexed, and the exit code is 1.

Exit codes: 0 indexed, 1 a failure or a skipped file, 2 usage error.

Examples:
  escalator repo index ./rpms
  escalator repo index /var/www/repo --changelog-limit 3
  escalator repo index ./rpms --skip-invalid
  escalator --json repo index ./rpms`,
    )
    .action(
      repoAction(async (output, dir: string, options: { changelogLimit: string; skipInvalid?: boolean }) => {
        const changelogLimit = wholeNumber(options.changelogLimit, "--changelog-limit");
        if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
          throw new EscalatorError("USAGE", `${dir} is not a folder`);
        }
        const { indexDirectory } = await import("../repo/repodata/index-directory.js");
        const bar = progressWanted() ? progressBar() : undefined;
        const started = performance.now();
        const indexed = await indexDirectory(dir, {
          changelogLimit,
          skipInvalid: options.skipInvalid === true,
          ...(bar ? { onProgress: bar.update } : {}),
        }).finally(() => bar?.clear());
        const seconds = (performance.now() - started) / 1000;
        if (indexed.skipped.length > 0) process.exitCode = EXIT.failure;
        if (output.json) {
          return output.data({
            dir: resolve(dir),
            packages: indexed.packages,
            revision: indexed.result.revision,
            repomd: indexed.result.repomdPath,
            entries: indexed.result.entries,
            skipped: indexed.skipped,
            seconds: Number(seconds.toFixed(3)),
          });
        }
        for (const skipped of indexed.skipped) output.error(`skipped ${skipped.file}: ${skipped.reason}`);
        output.line(
          `indexed ${indexed.packages} packages into ${join(dir, "repodata")} in ${seconds.toFixed(2)} s` +
            (indexed.skipped.length > 0 ? `; skipped ${indexed.skipped.length} invalid` : ""),
        );
      }),
    );
}

function registerKeygen(repo: Command): void {
  repo
    .command("keygen")
    .description("generate an OpenPGP key for signing repomd.xml (serve --signing-key FILE)")
    .requiredOption("--out <file>", "where to write the private key; the public key goes to FILE.pub")
    .option("--name <name>", "the key's user name", "Escalator repository")
    .option("--email <email>", "the key's e-mail address", "repo@localhost")
    .addHelpText(
      "after",
      `
The private key is written unencrypted with mode 0600: keep it where only the server can read it.
An existing file is never overwritten.

Examples:
  escalator repo keygen --out /etc/escalator/repo-key.asc
  escalator repo keygen --out key.asc --name "ACME builds" --email builds@acme.example`,
    )
    .action(
      repoAction(async (output, options: { out: string; name: string; email: string }) => {
        const publicFile = `${options.out}.pub`;
        for (const file of [options.out, publicFile]) {
          if (existsSync(file))
            throw new EscalatorError("USAGE", `${file} exists; remove it or choose another --out`);
        }
        const { generateSigningKey } = await import("../repo/signing.js");
        const key = await generateSigningKey(options.name, options.email);
        await writeFile(options.out, key.privateKey, { mode: 0o600, flag: "wx" });
        await writeFile(publicFile, key.publicKey, { flag: "wx" });
        const result = {
          privateKey: resolve(options.out),
          publicKey: resolve(publicFile),
          fingerprint: key.fingerprint,
        };
        if (output.json) return output.data(result);
        output.line(`private key ${result.privateKey} (keep it secret)`);
        output.line(`public key  ${result.publicKey}`);
        output.line(`fingerprint ${key.fingerprint}`);
      }),
    );
}

export function registerRepoPoolCommands(repo: Command): void {
  registerAdd(repo);
  registerIndex(repo);
  registerKeygen(repo);
}
