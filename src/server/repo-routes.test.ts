import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RepoDashboardFixture,
  repoDashboardFixture,
} from "../../test/helpers/repo-dashboard-fixture.js";
import { requireTool } from "../../test/helpers/require-tool.js";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { createApp } from "./create-app.js";
import { FakeEngineControl } from "./fake-engine-control.js";
import { type RepoBrowser, repoBrowser } from "./repo-browser.js";

const rpmbuild = requireTool("rpmbuild");

const appWith = (repo?: RepoBrowser) =>
  createApp({ control: new FakeEngineControl(), tokens: [], ...(repo ? { repo } : {}) });

async function getJson(app: ReturnType<typeof appWith>, path: string) {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.skipIf(!rpmbuild)("the repository API of the dashboard, configured", () => {
  let fixture: RepoDashboardFixture;
  let browser: RepoBrowser;
  let app: ReturnType<typeof appWith>;

  beforeAll(async () => {
    fixture = await repoDashboardFixture(rpmbuild as string);
    browser = repoBrowser({ root: fixture.root, url: "http://yum.example:8471/" });
    app = appWith(browser);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    fixture?.remove();
  });

  it("says in /api/v1 that the feature is there", async () => {
    expect((await getJson(app, "/api/v1")).body).toMatchObject({
      features: { verdicts: false, repo: true },
      repoTags: "/api/v1/repo/tags",
    });
  });

  it("lists tags newest first with their channels, and channels with their promotions", async () => {
    const { status, body } = await getJson(app, "/api/v1/repo/tags");
    expect(status).toBe(200);
    expect(body.serveUrl).toBe("http://yum.example:8471");
    expect(body.tags).toEqual([
      expect.objectContaining({ name: "t2", packages: 2, signed: false, channels: ["prod"] }),
      expect.objectContaining({ name: "t1", packages: 2, signed: false, channels: ["dev"] }),
    ]);
    const channels = body.channels as { name: string; tag: string; history: { fromTag: string | null }[] }[];
    expect(channels.map((c) => [c.name, c.tag, c.history.map((h) => h.fromTag)])).toEqual([
      ["dev", "t1", [null]],
      ["prod", "t2", ["t1", null]],
    ]);
  });

  it("shows one tag's packages, and 404 for a tag that does not exist", async () => {
    const { status, body } = await getJson(app, "/api/v1/repo/tags/t1");
    expect(status).toBe(200);
    expect((body.packageList as { nevra: string }[]).map((p) => p.nevra)).toEqual([
      "greet-1.0-1.noarch",
      "hello-1.0-1.noarch",
    ]);
    expect(body.channels).toEqual(["dev"]);
    expect(await getJson(app, "/api/v1/repo/tags/nope")).toEqual({
      status: 404,
      body: { code: "NOT_FOUND", error: expect.stringContaining("nope") },
    });
    expect((await getJson(app, "/api/v1/repo/tags/..")).status).toBeGreaterThanOrEqual(400);
  });

  it("diffs two tags", async () => {
    const { status, body } = await getJson(app, "/api/v1/repo/diff/t1/t2");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      from: "t1",
      to: "t2",
      added: [{ nevra: "extra-1.0-1.noarch" }],
      removed: [{ nevra: "greet-1.0-1.noarch" }],
      changed: [{ name: "hello", arch: "noarch", from: { evr: "1.0-1" }, to: { evr: "2.0-1" } }],
    });
    expect((await getJson(app, "/api/v1/repo/diff/t1/nope")).status).toBe(404);
  });
});

describe("the repository API of the dashboard, not configured or not there", () => {
  it("answers 404 NOT_CONFIGURED without repo:, and /api/v1 says so", async () => {
    const app = appWith();
    expect((await getJson(app, "/api/v1")).body).toMatchObject({ features: { repo: false } });
    for (const path of ["/api/v1/repo/tags", "/api/v1/repo/tags/t1", "/api/v1/repo/diff/a/b"]) {
      expect(await getJson(app, path)).toEqual({
        status: 404,
        body: { code: "NOT_CONFIGURED", error: expect.stringContaining("add repo: { root: PATH }") },
      });
    }
  });

  it("answers 503 naming the problem when the root or its repo.db is missing, and creates nothing", async () => {
    const dir = tmpDir("escalator-repo-missing-");
    try {
      const missing = join(dir.path, "nowhere");
      const browser = repoBrowser({ root: missing });
      const app = appWith(browser);
      expect(await getJson(app, "/api/v1/repo/tags")).toEqual({
        status: 503,
        body: {
          code: "UNAVAILABLE",
          error: `repo root ${missing} not found: check repo.root in escalator.yaml`,
        },
      });
      expect(existsSync(missing)).toBe(false);
      mkdirSync(missing);
      const answer = await getJson(app, "/api/v1/repo/tags/t1");
      expect(answer.status).toBe(503);
      expect(answer.body.error).toMatch(/^no repository in .*nowhere \(no repo\.db\)/);
      expect(readdirSync(missing)).toEqual([]);
      await browser.close();
    } finally {
      dir.remove();
    }
  });
});
