/**
 * The repository service (issue 7, Yumtags): ties the pool (pool.ts), tags (tags.ts), channels
 * (channels.ts) and the SQLite catalog (store/repo-catalog.ts) together behind RepositoryApi.
 */
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { RepoCatalog } from "../store/repo-catalog.js";
import type { Clock } from "../util/clock.js";
import { channelInfo, listChannels, promoteChannel, requireChannel } from "./channels.js";
import {
  admit,
  poolPath,
  prepareLayout,
  type RepoLayout,
  receive,
  removeOrphanPoolFiles,
  repoLayout,
  toPackageSummary,
} from "./pool.js";
import type { RepomdSigner } from "./repodata/types.js";
import { cleanUnfinishedTags, deleteTag, freezeTag, pruneTags } from "./tag-lifecycle.js";
import { compareIdentity, diffTags, requireTag, type TagContext, toTagSummary } from "./tags.js";
import type {
  AddResult,
  ChannelInfo,
  FreezeRequest,
  PackageSummary,
  PromoteOptions,
  PruneResult,
  RepositoryApi,
  TagDetail,
  TagDiff,
  TagSummary,
} from "./types.js";
import { RepoError } from "./types.js";

export const DEFAULT_MAX_PACKAGE_BYTES = 1024 * 1024 * 1024;

export interface RepositoryOptions {
  /** Newest changelog entries kept per package in other.xml (default 10, as createrepo_c). */
  changelogLimit?: number;
  /** Signs each new tag's repomd.xml (repomd.xml.asc + repomd.xml.key). */
  signer?: RepomdSigner;
  /** Upload size limit in bytes (default 1 GiB); addStream's maxBytes overrides it per call. */
  maxPackageBytes?: number;
  /** Time source for added_at, created_at, promotions and default tag names. */
  clock?: Pick<Clock, "now">;
}

export class Repository implements RepositoryApi {
  private constructor(
    readonly root: string,
    private readonly layout: RepoLayout,
    private readonly catalog: RepoCatalog,
    private readonly options: {
      changelogLimit: number;
      signer: RepomdSigner | undefined;
      maxPackageBytes: number;
      clock: Pick<Clock, "now">;
    },
  ) {}

  /**
   * Opens (creating when needed) the repository under `root`; removes crash leftovers over an hour
   * old: files in tmp/, tags/.tmp-* and tags/.trash-*, tags a dead process left half published or
   * half deleted, and pool files that never made it into the catalog.
   */
  static async open(root: string, options: RepositoryOptions = {}): Promise<Repository> {
    const layout = repoLayout(root);
    await prepareLayout(layout);
    const catalog = await RepoCatalog.open(layout.db);
    try {
      await cleanUnfinishedTags(layout, catalog);
      await removeOrphanPoolFiles(layout, catalog);
    } catch (error) {
      catalog.close();
      throw error;
    }
    return new Repository(root, layout, catalog, {
      changelogLimit: options.changelogLimit ?? 10,
      signer: options.signer,
      maxPackageBytes: options.maxPackageBytes ?? DEFAULT_MAX_PACKAGE_BYTES,
      clock: options.clock ?? { now: () => Date.now() },
    });
  }

  async addStream(body: AsyncIterable<Uint8Array>, options: { maxBytes?: number } = {}): Promise<AddResult> {
    const upload = await receive(body, this.layout.tmp, options.maxBytes ?? this.options.maxPackageBytes);
    const { row, created } = await admit(
      {
        layout: this.layout,
        catalog: this.catalog,
        changelogLimit: this.options.changelogLimit,
        now: () => this.options.clock.now(),
      },
      upload,
    );
    return { ...toPackageSummary(row), status: created ? "created" : "exists" };
  }

  addFile(path: string): Promise<AddResult> {
    return this.addStream(createReadStream(path));
  }

  listPackages(): PackageSummary[] {
    return this.catalog.listPackages().sort(compareIdentity).map(toPackageSummary);
  }

  async freeze(request: FreezeRequest = {}): Promise<TagSummary> {
    return toTagSummary(await freezeTag(this.tagContext(), request));
  }

  /** Tags, oldest first. */
  listTags(): TagSummary[] {
    return this.catalog.listTags().map(toTagSummary);
  }

  getTag(name: string): TagDetail {
    const row = requireTag(this.catalog, name);
    return {
      ...toTagSummary(row),
      packageList: this.catalog.tagPackages(name).sort(compareIdentity).map(toPackageSummary),
      channels: this.catalog.channelsForTag(name),
    };
  }

  diff(from: string, to: string): TagDiff {
    return diffTags(this.catalog, from, to);
  }

  deleteTag(name: string): Promise<void> {
    return deleteTag(this.tagContext(), name);
  }

  promote(channel: string, tag: string, options: PromoteOptions = {}): ChannelInfo {
    return promoteChannel(this.catalog, channel, tag, this.options.clock.now(), options);
  }

  getChannel(name: string): ChannelInfo {
    return channelInfo(this.catalog, requireChannel(this.catalog, name));
  }

  listChannels(): ChannelInfo[] {
    return listChannels(this.catalog);
  }

  prune(keep: number): Promise<PruneResult> {
    return pruneTags(this.tagContext(), keep);
  }

  tagDir(name: string): string {
    requireTag(this.catalog, name);
    return join(this.layout.tags, name);
  }

  packageFile(tag: string, href: string): string | undefined {
    if (typeof href !== "string" || href === "") return undefined;
    try {
      requireTag(this.catalog, tag);
    } catch (error) {
      if (error instanceof RepoError) return undefined;
      throw error;
    }
    const sha256 = this.catalog.tagPackageByHref(tag, href);
    return sha256 === undefined ? undefined : poolPath(this.layout, sha256);
  }

  close(): void {
    this.catalog.close();
  }

  private tagContext(): TagContext {
    return {
      layout: this.layout,
      catalog: this.catalog,
      signer: this.options.signer,
      now: () => this.options.clock.now(),
    };
  }
}
