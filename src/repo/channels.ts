/**
 * Channels: mutable aliases (dev → test → prod) that point at a tag. Every promotion is recorded,
 * also a promotion to the tag the channel already points at.
 */
import type { ChannelRow, RepoCatalog } from "../store/repo-catalog.js";
import { requireTag, validateName } from "./tags.js";
import { type ChannelInfo, RepoError } from "./types.js";

export function promoteChannel(catalog: RepoCatalog, channel: string, tag: string, now: number): ChannelInfo {
  validateName(channel, "channel");
  requireTag(catalog, tag);
  catalog.promote(channel, tag, now);
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
