import { readdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../../test/helpers/start-process.js";
import { tmpDir } from "../../../test/helpers/tmp-dir.js";
import { Repository } from "../repository.js";
import { createRepoApp } from "./create-repo-app.js";
import { type RunningRepoServer, startRepoServer } from "./start-repo-server.js";

describe("startRepoServer", () => {
  const work = tmpDir("escalator-repo-server-");
  const entries: { level: number; msg: string; [key: string]: unknown }[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => entries.push(JSON.parse(line)) });
  let repository: Repository;
  let server: RunningRepoServer;

  beforeAll(async () => {
    repository = await Repository.open(join(work.path, "root"));
    server = await startRepoServer(
      createRepoApp({ repository, logger }),
      { host: "127.0.0.1", port: 0 },
      logger,
    );
  });
  afterAll(async () => {
    await server?.close(100);
    repository?.close();
    work.remove();
  });

  it("has no whole-request deadline (slow uploads of big packages) but keeps the headers deadline", () => {
    expect(server.http.requestTimeout).toBe(0);
    expect(server.http.headersTimeout).toBe(60_000);
  });

  it("logs a client that disconnects mid-upload as a warning, and removes its temporary file", async () => {
    const socket = connect(server.port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    socket.write(
      "POST /api/v1/packages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n" +
        "x".repeat(50_000),
    );
    await eventually(
      () => readdirSync(join(repository.root, "tmp")).length === 1,
      5000,
      "the upload to start",
    );
    socket.destroy();
    await eventually(() => entries.some((e) => e.msg === "client went away"), 5000, "the warning");
    expect(entries.find((e) => e.msg === "client went away")).toMatchObject({
      level: 40,
      code: "CLIENT_GONE",
    });
    expect(entries.filter((e) => e.level >= 50)).toEqual([]);
    await eventually(() => readdirSync(join(repository.root, "tmp")).length === 0, 5000, "tmp/ to empty");
  });
});
