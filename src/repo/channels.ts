/**
 * Channels: mutable aliases (dev → test → prod) that point at a tag. Every promotion is recorded,
 * also a promotion to the tag the channel already points at. A channel serving a signed tag is not
 * moved to an unsigned one unless forced: clients with repo_gpgcheck=1 would stop working.
 */
import type { ChannelRow, RepoCatalog } from "../store/repo-catalog.js";
import { requireTag, validateName } from "./tags.js";
import { type ChannelInfo, type PromoteOptions, RepoError } from "./types.js";

export function promoteChannel(
  catalog: RepoCatalog,
  channel: string,
  tag: string,
  now: number,
  options: PromoteOptions = {},
): ChannelInfo {
  validateName(channel, "channel");
  // One write transaction: the tag cannot start being deleted between these checks and the update.
  catalog.transaction(() => {
    const target = requireTag(catalog, tag);
    const current = catalog.getChannel(channel);
    const currentTag = current ? catalog.getTag(current.tag) : undefined;
    if (currentTag?.signed === 1 && target.signed !== 1 && options.force !== true) {
      throw new RepoError(
        "UNSIGNED_TAG",
        `channel ${channel} serves the signed tag ${currentTag.name}, and tag ${tag} is unsigned: clients` +
          " with repo_gpgcheck=1 would refuse the channel's metadata from now on. Freeze a signed tag" +
          ` (escalator repo tag --signing-key), or promote anyway with force (PUT {"tag": "${tag}",` +
          ` "force": true}, or escalator repo promote --force ${channel} ${tag})`,
      );
    }
    catalog.promote(channel, tag, now);
  });
  return channelInfo(catalog, requireChannel(catalog, channel));
}

export function requireChannel(catalog: RepoCatalog, name: string): ChannelRow {
  validateName(name, "channel");
  const row = catalog.getChannel(name);
  if (!row) throw new RepoError("NOT_FOUND", `no channel named ${name}`);
  return row;
}

/** The channel with its promotion history, newest first. */
export function channelInfo(catalog: RepoCatalog, row: ChannelRow): ChannelInfo {
  return {
    name: row.name,
    tag: row.tag,
    updatedAt: new Date(row.updated_at).toISOString(),
    history: catalog.promotions(row.name).map((p) => ({
      channel: p.channel,
      fromTag: p.from_tag,
      toTag: p.to_tag,
      at: new Date(p.at).toISOString(),
    })),
  };
}

export function listChannels(catalog: RepoCatalog): ChannelInfo[] {
  return catalog.listChannels().map((row) => channelInfo(catalog, row));
}
