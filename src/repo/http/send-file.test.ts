import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { tmpDir } from "../../../test/helpers/tmp-dir.js";
import { parseRange, sendFile } from "./send-file.js";

describe("parseRange", () => {
  it("reads one range of the three forms, clamped to the file", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-500", 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=50-500", 100)).toEqual({ start: 50, end: 99 });
  });

  it("is unsatisfiable past the end, and ignored when malformed or multiple", () => {
    expect(parseRange("bytes=100-", 100)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 100)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
    for (const ignored of [undefined, "bytes=5-1", "bytes=-", "items=0-1", "bytes=0-1,5-6", "bytes=x-y"])
      expect(parseRange(ignored, 100)).toBe("none");
  });
});

describe("sendFile ranges", () => {
  const dir = tmpDir("escalator-send-file-");
  const file = join(dir.path, "pkg.rpm");
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  writeFileSync(file, bytes);
  const app = new Hono();
  app.get("/f", async (c) => (await sendFile(c, file, { etag: "abc" })) ?? c.text("missing", 404));
  afterAll(() => dir.remove());

  const get = (headers: Record<string, string> = {}) => app.request("/f", { headers });

  it("advertises Accept-Ranges: bytes and sends the whole file without a Range", async () => {
    const whole = await get();
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("answers a single range with 206 and Content-Range (how librepo resumes a download)", async () => {
    for (const [range, start, end] of [
      ["bytes=10-19", 10, 19],
      ["bytes=990-", 990, 999],
      ["bytes=-5", 995, 999],
      ["bytes=900-5000", 900, 999],
    ] as const) {
      const part = await get({ Range: range });
      expect(part.status, range).toBe(206);
      expect(part.headers.get("content-range")).toBe(`bytes ${start}-${end}/1000`);
      expect(part.headers.get("content-length")).toBe(String(end - start + 1));
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
    }
  });

  it("answers 416 with Content-Range: bytes */size for a range past the end", async () => {
    const past = await get({ Range: "bytes=1000-" });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe("bytes */1000");
    expect(await past.json()).toMatchObject({ code: "RANGE_NOT_SATISFIABLE" });
  });

  it("sends the whole file for several ranges, or when If-Range names another version", async () => {
    const multi = await get({ Range: "bytes=0-1,5-6" });
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(1000);
    const stale = await get({ Range: "bytes=0-9", "If-Range": '"other"' });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(1000);
    const weak = await get({ Range: "bytes=0-9", "If-Range": 'W/"abc"' });
    expect(weak.status).toBe(200);
    await weak.arrayBuffer();
    const same = await get({ Range: "bytes=0-9", "If-Range": '"abc"' });
    expect(same.status).toBe(206);
    expect((await same.arrayBuffer()).byteLength).toBe(10);
    const lastModified = same.headers.get("last-modified") as string;
    const byDate = await get({ Range: "bytes=0-9", "If-Range": lastModified });
    expect(byDate.status).toBe(206);
    await byDate.arrayBuffer();
  });
});
