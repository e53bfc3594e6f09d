import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "hono";
import { Hono } from "hono";
import { type ChannelInfo, NAME_PATTERN, RepoError, type RepositoryApi } from "../types.js";
import { errorResponse, jsonError } from "./errors.js";
import { allowOnly } from "./method-not-allowed.js";
import { sendFile } from "./send-file.js";

/** A file directly in a tag's repodata/ folder: one plain name, never a dot file. */
const REPODATA_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** Tags a channel pointed at before whose files it still serves (for clients mid-run at a promotion). */
const PREVIOUS_TAGS = 3;

export interface PublishRoutesOptions {
  /** Base URL clients reach the server at, for .repo files; the request's origin by default. */
  publicUrl?: string;
}

type Target = { kind: "repo-file"; name: string } | { kind: "file"; name: string; path: string[] };

/**
 * Splits the part of the raw path after /tags/ or /channels/ into a name and the path inside it.
 * Every segment is percent-decoded on its own, so an encoded "/" or ".." stays inside its segment
 * (and then fails the name pattern, or names no file). Undefined when the path is malformed.
 */
function parseTarget(rest: string): Target | undefined {
  const raw = rest.split("/");
  const segments: string[] = [];
  for (const segment of raw) {
    try {
      segments.push(decodeURIComponent(segment));
    } catch {
      return undefined;
    }
  }
  const [first, ...path] = segments;
  if (first === undefined) return undefined;
  if (path.length === 0) {
    if (!first.endsWith(".repo")) return undefined;
    return { kind: "repo-file", name: first.slice(0, -".repo".length) };
  }
  return { kind: "file", name: first, path };
}

function validName(name: string): boolean {
  return NAME_PATTERN.test(name) && name !== "." && name !== "..";
}

function baseUrl(c: Context, options: PublishRoutesOptions): string {
  return (options.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, "");
}

/** A .repo file; the section id says tag or channel, so a tag and a channel of one name do not collide. */
function repoFile(
  kind: "tag" | "channel",
  name: string,
  url: string,
  signed: boolean,
  extra: string[] = [],
): string {
  const lines = [
    `[escalator-${kind}-${name}]`,
    `name=Escalator ${kind} ${name}`,
    `baseurl=${url}`,
    "enabled=1",
    "gpgcheck=0",
    ...(signed ? ["repo_gpgcheck=1", `gpgkey=${url}repodata/repomd.xml.key`] : []),
    ...extra,
  ];
  return `${lines.join("\n")}\n`;
}

/** The tag a channel points at, then (newest first) the few it pointed at before. */
function channelTags(channel: ChannelInfo): string[] {
  const history = [...channel.history].sort((a, b) => b.at.localeCompare(a.at));
  const tags = [channel.tag, ...history.flatMap((p) => [p.toTag, p.fromTag ?? channel.tag])];
  return [...new Set(tags)].slice(0, PREVIOUS_TAGS + 1);
}

/** The published trees: /tags/<tag>/..., /tags/<tag>.repo, /channels/<name>/..., /channels/<name>.repo. */
export function publishRoutes(repository: RepositoryApi, options: PublishRoutesOptions = {}): Hono {
  const app = new Hono();

  /** A tag's folder, or undefined when the tag is gone (deleted since a channel pointed at it). */
  const tagDirOf = (tag: string): string | undefined => {
    try {
      return repository.tagDir(tag);
    } catch (error) {
      if (error instanceof RepoError && error.code === "NOT_FOUND") return undefined;
      throw error;
    }
  };

  /**
   * A file of `tags[0]`. Under a channel, `tags` continues with the tags it pointed at before: a
   * client that read repomd.xml just before a promotion still gets the checksum-named metadata and
   * packages it names (they are immutable), so a promotion never breaks a dnf run half-way.
   */
  const serveTagFile = async (
    c: Context,
    tags: string[],
    path: string[],
    fixed: boolean,
  ): Promise<Response> => {
    const [current = ""] = tags;
    repository.tagDir(current); // NOT_FOUND for an unknown tag
    const [head, file, ...more] = path;
    if (head === "repodata" && file !== undefined && more.length === 0 && REPODATA_FILE.test(file)) {
      // repomd.xml and its signature always come from the current tag.
      for (const tag of file.startsWith("repomd.xml") ? [current] : tags) {
        const dir = tagDirOf(tag);
        const sent = dir === undefined ? undefined : await sendFile(c, join(dir, "repodata", file));
        if (sent) return sent;
      }
    }
    const href = path.join("/");
    for (const tag of href === "" ? [] : tags) {
      const pooled = repository.packageFile(tag, href);
      if (pooled === undefined) continue;
      // Pool files are named by their sha256: a strong validator, and they never change.
      const sha256 = /([0-9a-f]{64})\.rpm$/.exec(pooled)?.[1];
      const sent = await sendFile(c, pooled, {
        // Under a channel the same href may name another file after a promotion.
        cacheControl: fixed ? "public, max-age=31536000, immutable" : "no-cache",
        ...(sha256 === undefined ? {} : { etag: sha256 }),
      });
      if (sent) return sent;
    }
    return jsonError(c, "NOT_FOUND", `tag ${current} has no file ${href === "" ? "(the tag folder)" : href}`);
  };

  const handle = (kind: "tags" | "channels") => async (c: Context) => {
    const pathname = new URL(c.req.url).pathname;
    const prefix = `/${kind}/`;
    const target = pathname.startsWith(prefix) ? parseTarget(pathname.slice(prefix.length)) : undefined;
    if (target === undefined) return jsonError(c, "NOT_FOUND", `no such path: ${pathname}`);
    if (!validName(target.name)) {
      return jsonError(
        c,
        "INVALID_NAME",
        `${kind === "tags" ? "tag" : "channel"} names are 1 to 128 letters, digits or . _ - (not "." or "..")`,
      );
    }
    try {
      const tags = kind === "tags" ? [target.name] : channelTags(repository.getChannel(target.name));
      const [tag = ""] = tags;
      if (target.kind === "file") return await serveTagFile(c, tags, target.path, kind === "tags");
      const url = `${baseUrl(c, options)}/${kind}/${target.name}/`;
      const signed = existsSync(join(repository.tagDir(tag), "repodata", "repomd.xml.key"));
      // A channel moves: let dnf look again after a minute rather than its default of hours.
      const text = repoFile(
        kind === "tags" ? "tag" : "channel",
        target.name,
        url,
        signed,
        kind === "channels" ? ["metadata_expire=60"] : [],
      );
      const headers = {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": String(Buffer.byteLength(text)),
        "Cache-Control": "no-cache",
      };
      return c.req.method === "HEAD" ? c.body(null, 200, headers) : c.body(text, 200, headers);
    } catch (error) {
      return errorResponse(c, error);
    }
  };

  app.get("/tags/*", handle("tags"));
  app.get("/channels/*", handle("channels"));
  allowOnly(app, "/tags/*", ["GET"]);
  allowOnly(app, "/channels/*", ["GET"]);
  return app;
}
