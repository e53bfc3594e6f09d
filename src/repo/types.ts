/**
 * The repository service's contract (issue 7, Yumtags): a content-addressed package pool, immutable
 * tags with metadata generated once, channels (mutable aliases with a promotion history) and
 * retention. The HTTP routes and the CLI both drive a `Repository`; errors carry stable codes that the
 * routes map to HTTP statuses.
 */

export type RepoErrorCode =
  | "INVALID_PACKAGE" // 400: not a valid RPM (the message says why)
  | "INVALID_NAME" // 400: tag or channel name outside [A-Za-z0-9._-]{1,128}, or "." / ".."
  | "INVALID_REQUEST" // 400: e.g. an unknown package in a freeze request
  | "TOO_LARGE" // 413: upload over the size limit
  | "NEVRA_CONFLICT" // 409: same NEVRA, different content
  | "TAG_EXISTS" // 409: a tag with that name exists (tags are immutable)
  | "TAG_IN_USE" // 409: a channel points at the tag
  | "UNSIGNED_TAG" // 409: promoting a channel from a signed tag to an unsigned one (without force)
  | "NOT_FOUND"; // 404: no such tag, channel or package

export class RepoError extends Error {
  readonly code: RepoErrorCode;
  constructor(code: RepoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RepoError";
    this.code = code;
  }
}

/** Tag and channel names: `[A-Za-z0-9._-]{1,128}`, and never "." or "..". */
export const NAME_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export interface PackageSummary {
  nevra: string;
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  sha256: string;
  /** File size in bytes. */
  size: number;
  /** Location href inside every tag that holds the package. */
  href: string;
  /** ISO time the package entered the pool. */
  addedAt: string;
}

export interface AddResult extends PackageSummary {
  /** "created": new to the pool (HTTP 201); "exists": the same file was already there (HTTP 200). */
  status: "created" | "exists";
}

export interface TagSummary {
  name: string;
  packages: number;
  /** "/tags/<name>/" */
  url: string;
  createdAt: string;
  signed: boolean;
}

export interface TagDetail extends TagSummary {
  packageList: PackageSummary[];
  /** Channels pointing at this tag now. */
  channels: string[];
}

export interface PackageRef {
  nevra: string;
  name: string;
  arch: string;
  /** "[epoch:]version-release" */
  evr: string;
  sha256: string;
}

export interface TagDiff {
  from: string;
  to: string;
  added: PackageRef[];
  removed: PackageRef[];
  /** Same name and arch, different EVR. */
  changed: { name: string; arch: string; from: PackageRef; to: PackageRef }[];
}

export interface Promotion {
  channel: string;
  /** The tag the channel pointed at before; null for the first promotion. */
  fromTag: string | null;
  toTag: string;
  at: string;
}

export interface ChannelInfo {
  name: string;
  tag: string;
  updatedAt: string;
  history: Promotion[];
}

export interface FreezeRequest {
  /** Tag name; a time-ordered UUID (v7) when omitted. */
  name?: string;
  /** Packages by sha256, NEVRA or file name; the whole pool when omitted. */
  packages?: string[];
}

export interface PruneResult {
  removed: string[];
  /** The newest `keep` tags and those a channel pointed at when the prune began. */
  kept: string[];
  /** Tags due for removal that could not be removed (a channel took one meanwhile, it vanished, …). */
  skipped: { tag: string; reason: string }[];
}

export interface PromoteOptions {
  /**
   * Promote an unsigned tag even though the channel serves a signed one now (clients configured
   * with repo_gpgcheck=1 will then refuse the channel's metadata).
   */
  force?: boolean;
}

/** Progress of a long operation (imports, freezing): `done` of `total` units. */
export type ProgressListener = (done: number, total: number, label: string) => void;

/**
 * What `Repository` (repository.ts) offers. Layout under the root folder:
 *   repo.db                       SQLite catalog: packages (with rendered XML fragments), tags, channels
 *   pool/<aa>/<sha256>.rpm        content-addressed package files
 *   tags/<name>/repodata/...      each tag's metadata, written once into tags/.tmp-* then renamed
 *                                 (the name is reserved in the catalog first: see tag-lifecycle.ts)
 *   tmp/                          uploads in flight
 */
export interface RepositoryApi {
  readonly root: string;
  /** Streams a package into the pool: hashes while writing to tmp/, parses, then renames. */
  addStream(body: AsyncIterable<Uint8Array>, options?: { maxBytes?: number }): Promise<AddResult>;
  addFile(path: string): Promise<AddResult>;
  listPackages(): PackageSummary[];
  freeze(request?: FreezeRequest): Promise<TagSummary>;
  listTags(): TagSummary[];
  getTag(name: string): TagDetail;
  diff(from: string, to: string): TagDiff;
  deleteTag(name: string): Promise<void>;
  /** UNSIGNED_TAG when the channel's current tag is signed and `tag` is not, unless `force`. */
  promote(channel: string, tag: string, options?: PromoteOptions): ChannelInfo;
  getChannel(name: string): ChannelInfo;
  listChannels(): ChannelInfo[];
  prune(keep: number): Promise<PruneResult>;
  /** Folder holding a tag's published metadata (tags/<name>), or throws NOT_FOUND. */
  tagDir(name: string): string;
  /** Pool file for `href` inside tag `name`, or undefined when the tag does not hold it. */
  packageFile(tag: string, href: string): string | undefined;
  close(): void;
}
