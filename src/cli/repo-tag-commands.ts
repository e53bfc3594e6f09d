import { resolve } from "node:path";
import type { Command } from "commander";
import type { PackageRef } from "../repo/types.js";
import { formatTime } from "./output.js";
import {
  openRepository,
  ROOT_HELP,
  type RootOption,
  repoAction,
  wholeNumber,
  withRepository,
} from "./repo-common.js";

const collect = (value: string, previous: string[]) => [...previous, value];
const time = (iso: string) => formatTime(Date.parse(iso));
const ref = (p: PackageRef) => `${p.name}-${p.evr}.${p.arch}`;

function registerTag(repo: Command): void {
  repo
    .command("tag")
    .description("freeze the pool (or the packages given) into a new immutable tag")
    .argument("[name]", "tag name, 1 to 128 of A-Z a-z 0-9 . _ - (default: a time-ordered UUID)")
    .option("--root <dir>", ROOT_HELP)
    .option(
      "--package <p>",
      "a package by sha256, NEVRA or file name; repeatable (default: the whole pool)",
      collect,
      [],
    )
    .option("--signing-key <file>", "armored OpenPGP private key: sign the tag's repomd.xml")
    .addHelpText(
      "after",
      `
A protected signing key's passphrase is read from $ESCALATOR_REPO_KEY_PASSPHRASE.

Examples:
  escalator repo tag --root /srv/yumtags release-42
  escalator repo tag --root /srv/yumtags release-43 --signing-key /etc/escalator/repo-key.asc
  escalator repo tag --root /srv/yumtags hotfix --package hello-2.0-1.noarch --package world-1.1-1.x86_64
  escalator --json repo tag --root /srv/yumtags`,
    )
    .action(
      repoAction(
        async (
          output,
          name: string | undefined,
          options: RootOption & { package: string[]; signingKey?: string },
        ) => {
          const signer =
            options.signingKey === undefined
              ? undefined
              : await (await import("../repo/signing.js")).loadSigner(
                  resolve(options.signingKey),
                  process.env.ESCALATOR_REPO_KEY_PASSPHRASE,
                );
          await withRepository(
            await openRepository(options, signer ? { signer } : {}),
            async (repository) => {
              const tag = await repository.freeze({
                ...(name === undefined ? {} : { name }),
                ...(options.package.length > 0 ? { packages: options.package } : {}),
              });
              if (output.json) return output.data({ ...tag, tag: tag.name });
              output.line(
                `tag ${tag.name}: ${tag.packages} packages${tag.signed ? ", signed" : ""}, served at ${tag.url}`,
              );
            },
          );
        },
      ),
    );
}

function registerTags(repo: Command): void {
  repo
    .command("tags")
    .description("list the tags, oldest first, with the channels pointing at each")
    .option("--root <dir>", ROOT_HELP)
    .addHelpText(
      "after",
      "\nExamples:\n  escalator repo tags --root /srv/yumtags\n  escalator --json repo tags",
    )
    .action(
      repoAction(async (output, options: RootOption) => {
        await withRepository(await openRepository(options), async (repository) => {
          const tags = repository.listTags();
          const channels = repository.listChannels();
          if (output.json) return output.data({ tags, channels });
          if (tags.length === 0) return output.line("no tags yet: freeze one with escalator repo tag");
          output.table(
            ["TAG", "PACKAGES", "CREATED", "SIGNED", "CHANNELS"],
            tags.map((t) => [
              t.name,
              String(t.packages),
              time(t.createdAt),
              t.signed ? "yes" : "no",
              channels
                .filter((c) => c.tag === t.name)
                .map((c) => c.name)
                .join(", ") || "-",
            ]),
          );
        });
      }),
    );
}

function registerDiff(repo: Command): void {
  repo
    .command("diff")
    .description("what changed from tag A to tag B: added, removed and changed (same name and arch) packages")
    .argument("<a>", "the older tag")
    .argument("<b>", "the newer tag")
    .option("--root <dir>", ROOT_HELP)
    .addHelpText(
      "after",
      "\nExamples:\n  escalator repo diff --root /srv/yumtags release-41 release-42\n  escalator --json repo diff t1 t2",
    )
    .action(
      repoAction(async (output, a: string, b: string, options: RootOption) => {
        await withRepository(await openRepository(options), async (repository) => {
          const diff = repository.diff(a, b);
          if (output.json) return output.data(diff);
          for (const p of diff.added) output.line(output.color("green", `+ ${ref(p)}`));
          for (const p of diff.removed) output.line(output.color("red", `- ${ref(p)}`));
          for (const c of diff.changed)
            output.line(output.color("yellow", `~ ${c.name}.${c.arch} ${c.from.evr} → ${c.to.evr}`));
          output.line(
            `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`,
          );
        });
      }),
    );
}

function registerPromote(repo: Command): void {
  repo
    .command("promote")
    .description(
      "point a channel (a mutable alias served at /channels/NAME/) at a tag; every promotion is recorded",
    )
    .argument("<channel>", "channel name, e.g. prod")
    .argument("<tag>", "the tag to serve")
    .option("--root <dir>", ROOT_HELP)
    .option(
      "--force",
      "promote an unsigned tag to a channel that serves a signed one (repo_gpgcheck=1 clients will refuse it)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  escalator repo promote --root /srv/yumtags prod release-42\n  escalator --json repo promote test t2",
    )
    .action(
      repoAction(async (output, channel: string, tag: string, options: RootOption & { force?: boolean }) => {
        await withRepository(await openRepository(options), async (repository) => {
          const info = repository.promote(channel, tag, options.force === true ? { force: true } : {});
          if (output.json) return output.data(info);
          const latest = [...info.history].sort((a, b) => b.at.localeCompare(a.at))[0];
          const previous = latest?.fromTag;
          output.line(`channel ${info.name} → ${info.tag}${previous ? ` (was ${previous})` : ""}`);
        });
      }),
    );
}

function registerChannels(repo: Command): void {
  repo
    .command("channels")
    .description("list the channels with the tag each serves and its promotion history")
    .option("--root <dir>", ROOT_HELP)
    .addHelpText(
      "after",
      "\nExamples:\n  escalator repo channels --root /srv/yumtags\n  escalator --json repo channels",
    )
    .action(
      repoAction(async (output, options: RootOption) => {
        await withRepository(await openRepository(options), async (repository) => {
          const channels = repository.listChannels();
          if (output.json) return output.data({ channels });
          if (channels.length === 0)
            return output.line("no channels yet: create one with escalator repo promote");
          output.table(
            ["CHANNEL", "TAG", "SINCE", "PROMOTIONS"],
            channels.map((c) => [c.name, c.tag, time(c.updatedAt), String(c.history.length)]),
          );
        });
      }),
    );
}

function registerDelete(repo: Command): void {
  repo
    .command("delete")
    .description("delete a tag (refused while a channel points at it); its packages stay in the pool")
    .argument("<tag>", "the tag to delete")
    .option("--root <dir>", ROOT_HELP)
    .addHelpText("after", "\nExamples:\n  escalator repo delete --root /srv/yumtags release-40")
    .action(
      repoAction(async (output, tag: string, options: RootOption) => {
        await withRepository(await openRepository(options), async (repository) => {
          await repository.deleteTag(tag);
          if (output.json) return output.data({ deleted: tag });
          output.line(`deleted tag ${tag}`);
        });
      }),
    );
}

function registerPrune(repo: Command): void {
  repo
    .command("prune")
    .description("delete all but the newest N tags; tags a channel points at are always kept")
    .requiredOption("--keep <n>", "how many of the newest tags to keep")
    .option("--root <dir>", ROOT_HELP)
    .addHelpText(
      "after",
      "\nExamples:\n  escalator repo prune --root /srv/yumtags --keep 20\n  escalator --json repo prune --keep 5",
    )
    .action(
      repoAction(async (output, options: RootOption & { keep: string }) => {
        const keep = wholeNumber(options.keep, "--keep");
        await withRepository(await openRepository(options), async (repository) => {
          const result = await repository.prune(keep);
          if (output.json) return output.data(result);
          output.line(
            `removed ${result.removed.length} tag${result.removed.length === 1 ? "" : "s"}${result.removed.length > 0 ? `: ${result.removed.join(", ")}` : ""}; kept ${result.kept.length}`,
          );
          for (const s of result.skipped) output.line(`skipped ${s.tag}: ${s.reason}`);
        });
      }),
    );
}

export function registerRepoTagCommands(repo: Command): void {
  registerTag(repo);
  registerTags(repo);
  registerDiff(repo);
  registerPromote(repo);
  registerChannels(repo);
  registerDelete(repo);
  registerPrune(repo);
}
