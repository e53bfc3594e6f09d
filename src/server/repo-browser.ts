import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { RepositoryApi } from "../repo/types.js";
import { errorMessage } from "../util/errors.js";

/** Why the repository cannot be read now (the routes answer 503 with this message). */
export class RepoUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RepoUnavailableError";
  }
}

/** The repository as the dashboard reads it: opened on first use, then reused. */
export interface RepoBrowser {
  /** The repository's folder (absolute). */
  readonly root: string;
  /** Public base URL of `escalator repo serve`, for links to `.repo` files; undefined when not known. */
  readonly serveUrl: string | undefined;
  /** The open repository; rejects with RepoUnavailableError when its root or repo.db is missing. */
  repository(): Promise<Pick<RepositoryApi, "listTags" | "getTag" | "diff" | "listChannels">>;
  /** Closes the catalog if it was opened; later reads are refused. */
  close(): Promise<void>;
}

/** The catalog file inside a repository root (see the layout in repo/types.ts). */
const CATALOG = "repo.db";

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

/**
 * A read-only view of the Yumtags repository under `root` for the daemon's API. Nothing is created:
 * a missing root or catalog is reported, not made (Repository.open would create an empty one).
 * The repository code is imported only when first read, so the daemon's start-up does not load it.
 */
export function repoBrowser(options: { root: string; url?: string }): RepoBrowser {
  const { root } = options;
  let opening: Promise<RepositoryApi> | undefined;
  let closed = false;

  const open = async (): Promise<RepositoryApi> => {
    if (!(await isDirectory(root))) {
      throw new RepoUnavailableError(`repo root ${root} not found: check repo.root in escalator.yaml`);
    }
    if (!(await stat(join(root, CATALOG)).catch(() => undefined))?.isFile()) {
      throw new RepoUnavailableError(
        `no repository in ${root} (no ${CATALOG}): create one with \`escalator repo add --root ${root} FILES...\``,
      );
    }
    try {
      const { Repository } = await import("../repo/repository.js");
      return await Repository.open(root);
    } catch (error) {
      throw new RepoUnavailableError(`cannot open the repository in ${root}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  };

  return {
    root,
    serveUrl: options.url?.replace(/\/+$/, ""),
    repository() {
      if (closed) return Promise.reject(new RepoUnavailableError("the daemon is stopping"));
      if (!opening) {
        opening = open();
        // A root that appears later is found on the next read.
        opening.catch(() => {
          opening = undefined;
        });
      }
      return opening;
    },
    async close() {
      closed = true;
      const repository = await opening?.catch(() => undefined);
      opening = undefined;
      repository?.close();
    },
  };
}
