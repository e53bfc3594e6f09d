import type { Context } from "hono";
import { Hono } from "hono";
import { type ChannelInfo, RepoError, type TagSummary } from "../repo/types.js";
import { apiError } from "./api-error.js";
import { type RepoBrowser, RepoUnavailableError } from "./repo-browser.js";

/** `GET /api/v1/repo/tags`: tags newest first with the channels on each, and every channel. */
export interface RepoTagsView {
  tags: (TagSummary & { channels: string[] })[];
  /** Channels by name, each with its current tag and promotion history (newest first). */
  channels: ChannelInfo[];
  /** Public base URL of `escalator repo serve` (config `repo.url`), or null when not configured. */
  serveUrl: string | null;
}

const NOT_CONFIGURED =
  "no repository is configured: add repo: { root: PATH } to escalator.yaml to show its tags here";

/** A read's failure as an API error: 404/400 from the repository's own codes, 503 when unreadable. */
function failure(c: Context, error: unknown): Response {
  if (error instanceof RepoUnavailableError) return apiError(c, 503, "UNAVAILABLE", error.message);
  if (error instanceof RepoError) {
    if (error.code === "NOT_FOUND") return apiError(c, 404, "NOT_FOUND", error.message);
    if (error.code === "INVALID_NAME") return apiError(c, 400, "INVALID_QUERY", error.message);
  }
  throw error;
}

/**
 * The dashboard's read-only view of a Yumtags repository (config `repo:`): its tags, channels, one
 * tag's packages and the difference between two tags. Without `repo:` every path answers 404
 * NOT_CONFIGURED; when the repository cannot be read, 503 UNAVAILABLE with the reason.
 */
export function repoRoutes(browser: RepoBrowser | undefined): Hono {
  const routes = new Hono();

  routes.use("/repo/*", async (c, next) => {
    if (!browser) return apiError(c, 404, "NOT_CONFIGURED", NOT_CONFIGURED);
    await next();
  });

  routes.get("/repo/tags", async (c) => {
    try {
      const repository = await (browser as RepoBrowser).repository();
      const channels = repository.listChannels();
      const tags = repository
        .listTags()
        .reverse()
        .map((tag) => ({
          ...tag,
          channels: channels.filter((channel) => channel.tag === tag.name).map((channel) => channel.name),
        }));
      const view: RepoTagsView = { tags, channels, serveUrl: browser?.serveUrl ?? null };
      return c.json(view);
    } catch (error) {
      return failure(c, error);
    }
  });

  routes.get("/repo/tags/:tag", async (c) => {
    try {
      return c.json((await (browser as RepoBrowser).repository()).getTag(c.req.param("tag")));
    } catch (error) {
      return failure(c, error);
    }
  });

  routes.get("/repo/diff/:from/:to", async (c) => {
    try {
      const repository = await (browser as RepoBrowser).repository();
      return c.json(repository.diff(c.req.param("from"), c.req.param("to")));
    } catch (error) {
      return failure(c, error);
    }
  });

  return routes;
}
