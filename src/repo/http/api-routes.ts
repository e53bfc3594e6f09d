import type { Context } from "hono";
import { Hono } from "hono";
import { NAME_PATTERN, RepoError, type RepositoryApi } from "../types.js";
import { errorResponse } from "./errors.js";
import { allowOnly } from "./method-not-allowed.js";
import { optionalString, optionalStrings, readJsonObject } from "./request-body.js";
import { type UploadOptions, uploadHandler } from "./upload-route.js";

export type ApiRoutesOptions = UploadOptions;

/** A tag or channel name from the path, or INVALID_NAME (names with "/" or ".." never reach the disk). */
function pathName(c: Context, param: string, what: "tag" | "channel"): string {
  const name = c.req.param(param) ?? "";
  if (!NAME_PATTERN.test(name) || name === "." || name === "..") {
    throw new RepoError(
      "INVALID_NAME",
      `${what} names are 1 to 128 letters, digits or . _ - (not "." or ".."), got ${JSON.stringify(name.slice(0, 200))}`,
    );
  }
  return name;
}

/** Runs a handler and answers RepoErrors as `{ error, code }` with their status. */
function guarded(handler: (c: Context) => Promise<Response> | Response) {
  return async (c: Context): Promise<Response> => {
    try {
      return await handler(c);
    } catch (error) {
      return errorResponse(c, error);
    }
  };
}

/** The JSON API under /api/v1: packages, tags (freeze, list, show, diff, delete) and channels. */
export function apiRoutes(repository: RepositoryApi, options: ApiRoutesOptions): Hono {
  const app = new Hono();

  app.post("/packages", guarded(uploadHandler(repository, options)));
  app.get(
    "/packages",
    guarded((c) => c.json({ packages: repository.listPackages() })),
  );

  app.post(
    "/tags",
    guarded(async (c) => {
      const body = await readJsonObject(c, ["name", "packages"]);
      const name = optionalString(body, "name");
      const packages = optionalStrings(body, "packages");
      const tag = await repository.freeze({
        ...(name === undefined ? {} : { name }),
        ...(packages === undefined ? {} : { packages }),
      });
      return c.json({ ...tag, tag: tag.name }, 201);
    }),
  );
  app.get(
    "/tags",
    guarded((c) => c.json({ tags: repository.listTags() })),
  );
  app.get(
    "/tags/:tag",
    guarded((c) => c.json(repository.getTag(pathName(c, "tag", "tag")))),
  );
  app.get(
    "/tags/:from/diff/:to",
    guarded((c) => c.json(repository.diff(pathName(c, "from", "tag"), pathName(c, "to", "tag")))),
  );
  app.delete(
    "/tags/:tag",
    guarded(async (c) => {
      await repository.deleteTag(pathName(c, "tag", "tag"));
      return c.body(null, 204);
    }),
  );

  app.put(
    "/channels/:name",
    guarded(async (c) => {
      const name = pathName(c, "name", "channel");
      const body = await readJsonObject(c, ["tag", "force"]);
      const tag = optionalString(body, "tag");
      if (tag === undefined)
        throw new RepoError("INVALID_REQUEST", 'the body needs "tag": the tag to promote');
      const force = body.force;
      if (force !== undefined && typeof force !== "boolean") {
        throw new RepoError("INVALID_REQUEST", '"force" must be true or false');
      }
      return c.json(repository.promote(name, tag, force === true ? { force } : {}));
    }),
  );
  app.get(
    "/channels",
    guarded((c) => c.json({ channels: repository.listChannels() })),
  );
  app.get(
    "/channels/:name",
    guarded((c) => c.json(repository.getChannel(pathName(c, "name", "channel")))),
  );

  allowOnly(app, "/packages", ["GET", "POST"]);
  allowOnly(app, "/tags", ["GET", "POST"]);
  allowOnly(app, "/tags/:tag", ["GET", "DELETE"]);
  allowOnly(app, "/tags/:from/diff/:to", ["GET"]);
  allowOnly(app, "/channels", ["GET"]);
  allowOnly(app, "/channels/:name", ["GET", "PUT"]);
  return app;
}
