import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Repository } from "../src/repo/repository.js";
import { buildRpm } from "./helpers/build-rpm.js";
import { freePort } from "./helpers/free-port.js";
import { helloSpec } from "./helpers/hello-rpm.js";
import { requireTool } from "./helpers/require-tool.js";
import { BIN, type StartedProcess, startProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const rpmbuild = requireTool("rpmbuild");

/** `repo:` in escalator.yaml reaches the daemon: the dashboard's repository API reads that root. */
describe.skipIf(!rpmbuild)("escalator run with repo:", () => {
  const dir = tmpDir("escalator-run-repo-");
  let daemon: StartedProcess;
  let base: string;

  beforeAll(async () => {
    const [rpm] = await buildRpm(rpmbuild as string, dir.path, helloSpec("1.0"));
    const repository = await Repository.open(join(dir.path, "yum"));
    await repository.addFile(rpm as string);
    await repository.freeze({ name: "release-1" });
    repository.promote("prod", "release-1");
    repository.close();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir.path, "escalator.yaml"),
      `environment: repo-config
listen: 127.0.0.1:${port}
repo: { root: yum, url: "http://yum.example:8471" }
levels:
  - name: deploy
    run: [node, -e, "0"]
checks:
  - name: smoke
    command: [node, -e, "console.log('OK')"]
    every: 1s
    level: deploy
`,
    );
    daemon = startProcess([process.execPath, BIN, "-c", join(dir.path, "escalator.yaml"), "run"]);
    await daemon.waitFor(/API listening/);
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });

  it("reports the feature and serves the tags of the root relative to the config", async () => {
    const index = (await (await fetch(`${base}/api/v1`)).json()) as { features: { repo: boolean } };
    expect(index.features.repo).toBe(true);
    const tags = (await (await fetch(`${base}/api/v1/repo/tags`)).json()) as {
      tags: { name: string; packages: number }[];
      channels: { name: string; tag: string }[];
      serveUrl: string;
    };
    expect(tags.tags).toMatchObject([{ name: "release-1", packages: 1 }]);
    expect(tags.channels).toMatchObject([{ name: "prod", tag: "release-1" }]);
    expect(tags.serveUrl).toBe("http://yum.example:8471");
  });
});
