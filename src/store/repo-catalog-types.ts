/** The repository catalog's tables (repo.db) and the row shapes RepoCatalog returns. */
import type { Generated } from "kysely";
import type { RepodataChunksTable } from "./repo-catalog-freeze.js";

export interface RepoPackagesTable {
  sha256: string;
  nevra: string;
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  file_size: number;
  href: string;
  added_at: number;
  primary_xml: string;
  filelists_xml: string;
  other_xml: string;
}

/**
 * A tag's life: "publishing" (the name is reserved and its folder being written), "published"
 * (served, listed, promotable), "deleting" (its folder being removed). Only published tags are seen.
 */
export type TagState = "publishing" | "published" | "deleting";

export interface RepoTagsTable {
  name: string;
  created_at: number;
  package_count: number;
  signed: number;
  /**
   * The tag's packages: their sha256s as 32-byte binary values, concatenated in repository order.
   * A tag's package set is written once and read whole, so one value replaces a row per package.
   */
  packages: Buffer;
  state: TagState;
  /** Wall-clock ms when the row entered its state: unfinished rows older than an hour are dead. */
  state_at: number;
}

export interface RepoDatabase {
  packages: RepoPackagesTable;
  tags: RepoTagsTable;
  repodata_chunks: RepodataChunksTable;
  repodata_chunk_use: { key: string; generation: number };
  channels: { name: string; tag: string; updated_at: number };
  promotions: { id: Generated<number>; channel: string; from_tag: string | null; to_tag: string; at: number };
}

/** A package row without its XML fragments. */
export type PackageRow = Omit<RepoPackagesTable, "primary_xml" | "filelists_xml" | "other_xml">;
/** Identity plus fragments: what freezing a tag reads. */
export type FragmentRow = Pick<
  RepoPackagesTable,
  "sha256" | "name" | "epoch" | "version" | "release" | "arch" | "primary_xml" | "filelists_xml" | "other_xml"
>;
export type TagRow = Pick<RepoTagsTable, "name" | "created_at" | "package_count" | "signed">;
/** A tag row's state, whatever it is. */
export type TagStateRow = Pick<RepoTagsTable, "name" | "state" | "state_at">;
export type ChannelRow = RepoDatabase["channels"];
export type PromotionRow = Omit<RepoDatabase["promotions"], "id"> & { id: number };
