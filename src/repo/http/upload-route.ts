import type { Context } from "hono";
import { RepoError, type RepositoryApi } from "../types.js";
import { HttpError } from "./errors.js";
import { bodyChunks, declaredLength } from "./request-body.js";

/** Uploads received at once by default; more are answered 503 BUSY. */
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 4;
/** An upload with no byte for this long is aborted (60 s). */
export const DEFAULT_UPLOAD_IDLE_MS = 60_000;
/** Seconds a client told BUSY should wait (Retry-After). */
const RETRY_AFTER_SECONDS = 5;

export interface UploadOptions {
  /** Largest package upload in bytes. */
  maxUploadBytes: number;
  /** Uploads received at once; 4 by default. */
  maxConcurrentUploads?: number;
  /** Abort an upload that sends nothing for this long; 60 s by default. */
  uploadIdleMs?: number;
}

const LIMIT_HINT = "; the server's limit is set with --max-upload-bytes";

/** The TOO_LARGE refusal of an upload, naming the flag that sets the limit. */
function withLimitHint(error: unknown): unknown {
  if (!(error instanceof RepoError) || error.code !== "TOO_LARGE" || error.message.endsWith(LIMIT_HINT))
    return error;
  return new RepoError("TOO_LARGE", `${error.message}${LIMIT_HINT}`, { cause: error });
}

/**
 * POST /api/v1/packages: streams the body into the pool. At most `maxConcurrentUploads` at once
 * (more: 503 BUSY with Retry-After), an over-size body is refused as soon as it is known, and one
 * that stalls for `uploadIdleMs` is aborted (the pool removes its temporary file either way).
 */
export function uploadHandler(repository: RepositoryApi, options: UploadOptions) {
  const { maxUploadBytes } = options;
  const maxConcurrent = options.maxConcurrentUploads ?? DEFAULT_MAX_CONCURRENT_UPLOADS;
  const idleMs = options.uploadIdleMs ?? DEFAULT_UPLOAD_IDLE_MS;
  let active = 0;
  return async (c: Context): Promise<Response> => {
    const declared = declaredLength(c);
    if (declared !== undefined && declared > maxUploadBytes) {
      throw withLimitHint(
        new RepoError(
          "TOO_LARGE",
          `the upload is ${declared} bytes, larger than the limit of ${maxUploadBytes} bytes`,
        ),
      );
    }
    const body = c.req.raw.body;
    if (body === null || declared === 0) {
      throw new RepoError("INVALID_PACKAGE", "the request body is empty: send the .rpm file as the body");
    }
    if (active >= maxConcurrent) {
      throw new HttpError(
        "BUSY",
        `the server is receiving ${active} uploads already (at most ${maxConcurrent} at once); retry in ${RETRY_AFTER_SECONDS} s`,
        { headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } },
      );
    }
    active++;
    try {
      const result = await repository.addStream(bodyChunks(body, { idleMs }), { maxBytes: maxUploadBytes });
      return c.json(result, result.status === "created" ? 201 : 200);
    } catch (error) {
      throw withLimitHint(error);
    } finally {
      active--;
    }
  };
}
