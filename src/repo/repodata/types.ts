/**
 * The contract between the repository metadata writer (repodata/) and its users (the pool, tags and
 * `escalator repo index`). A package is rendered once into its three XML fragments; fragments are
 * cached, so writing a repository is concatenation plus compression.
 */
import type { RpmPackage } from "../rpm/read-rpm.js";

/** One package file as it appears in a repository. */
export interface PackageRecord {
  /** sha256 of the whole file, hex: createrepo_c's pkgid and `<checksum type="sha256">`. */
  sha256: string;
  /** `<location href>`, relative to the repository root, '/'-separated. */
  href: string;
  /** Size of the file in bytes (`<size package=>`). */
  fileSize: number;
  /** Modification time of the file in whole seconds (`<time file=>`). */
  fileTime: number;
  rpm: RpmPackage;
}

/** A package's `<package>` elements for primary.xml, filelists.xml and other.xml. */
export interface PackageFragments {
  primary: string;
  filelists: string;
  other: string;
}

export interface RenderOptions {
  /** Newest changelog entries kept in other.xml; createrepo_c's --changelog-limit (default 10). */
  changelogLimit: number;
}

/** One `<data>` entry of repomd.xml. */
export interface RepomdEntry {
  type: "primary" | "filelists" | "other";
  /** e.g. "repodata/<sha256>-primary.xml.gz" */
  href: string;
  checksum: string;
  openChecksum: string;
  size: number;
  openSize: number;
  timestamp: number;
}

export interface RepodataResult {
  revision: number;
  packages: number;
  entries: RepomdEntry[];
  /** Path of the repomd.xml written. */
  repomdPath: string;
}

/** Signs repomd.xml: returns the detached ASCII-armored signature and the armored public key. */
export interface RepomdSigner {
  sign(repomd: Uint8Array): Promise<{ signature: string; publicKey: string }>;
}

export interface WriteRepodataOptions {
  /** repomd.xml `<revision>`; the current time in seconds by default. */
  revision?: number;
  /** When set, writes repodata/repomd.xml.asc and repodata/repomd.xml.key too. */
  signer?: RepomdSigner;
}
