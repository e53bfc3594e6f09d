import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, eventually, runCli, type StartedProcess, startProcess } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const MONITOR_LINE =
  /^ESCALATOR (OK|WARNING|CRITICAL|UNKNOWN) - (\d+) passed, (\d+) failed, (\d+) undefined \| passed=\d+;;;; failed=\d+;;;; undefined=\d+;;;; time=\d+(\.\d+)?s;;;;$/;

/** `escalator test`, `escalator monitor` and the scenario check, on features using the built-in steps. */
describe("executable scenarios from the CLI", () => {
  const dir = tmpDir("escalator-scenarios-");
  let server: Server;
  let target = "";
  let healthy = true;
  const feature = (name: string, text: string) => {
    writeFileSync(join(dir.path, name), text);
    return join(dir.path, name);
  };
  const cli = (...args: string[]) => runCli(args, { cwd: dir.path });

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (!healthy) return response.writeHead(500).end("down");
      if (request.url === "/health")
        return response
          .writeHead(200, { "content-type": "application/json" })
          .end('{"status":"ok","items":[1,2]}');
      response.writeHead(200).end("release 1.0");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    feature(
      "smoke.feature",
      `Feature: Shop smoke
  Scenario: home page
    When I GET "/"
    Then the response status should be 200
    And the response should contain "release"

  Scenario: health
    When I GET "/health"
    Then the JSON at "$.status" should be "ok"
    And the JSON at "$.items" should have 2 items
`,
    );
    feature("undefined.feature", "Feature: gaps\n  Scenario: new idea\n    Given a step nobody wrote\n");
    feature("broken.feature", "Feature: broken\n  Scenario: x\n    Given ok\n    | a |\n    | b | c |\n");
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    dir.remove();
  });

  it("test: passes, writing JUnit, Cucumber Messages and an HTML report", async () => {
    const result = await cli(
      "test",
      "smoke.feature",
      "--target",
      target,
      "--format",
      "progress",
      "--format",
      "junit:out/junit.xml",
      "--format",
      "message:out/messages.ndjson",
      "--format",
      "html:out/report.html",
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("2 scenarios (2 passed)");
    const junit = readFileSync(join(dir.path, "out/junit.xml"), "utf8");
    expect(junit).toMatch(/<testsuite [^>]*tests="2" failures="0" skipped="0"/);
    const envelopes = readFileSync(join(dir.path, "out/messages.ndjson"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(envelopes[0] ?? {})).toEqual(["meta"]);
    expect(envelopes.filter((e) => "testCaseFinished" in e)).toHaveLength(2);
    expect(envelopes.at(-1)).toMatchObject({ testRunFinished: { success: true } });
    const html = readFileSync(join(dir.path, "out/report.html"), "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("Shop smoke");
  });

  it("test: exit 1 on a failure or an undefined step (with a snippet), 2 on a parse error", async () => {
    healthy = false;
    const failing = await cli(
      "test",
      "smoke.feature",
      "--target",
      target,
      "--format",
      "junit:out/failing.xml",
    );
    healthy = true;
    expect(failing.code).toBe(1);
    expect(readFileSync(join(dir.path, "out/failing.xml"), "utf8")).toMatch(
      /<testsuite [^>]*tests="2" failures="2"/,
    );
    const undefinedStep = await cli("test", "undefined.feature", "--format", "pretty");
    expect(undefinedStep.code).toBe(1);
    expect(undefinedStep.stdout).toMatch(/Given\("a step nobody wrote"/);
    const broken = await cli("test", "broken.feature");
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.feature:5 .*inconsistent cell count/);
  });

  it("monitor: a Nagios plugin line with perfdata, and the plugin exit codes", async () => {
    const ok = await cli("monitor", "smoke.feature", "--target", target);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split("\n")[0]).toMatch(MONITOR_LINE);
    expect(ok.stdout).toMatch(/^ESCALATOR OK - 2 passed, 0 failed, 0 undefined/);
    healthy = false;
    const critical = await cli("monitor", "smoke.feature", "--target", target);
    healthy = true;
    expect(critical.code).toBe(2);
    expect(critical.stdout.split("\n")[0]).toMatch(/^ESCALATOR CRITICAL - 0 passed, 2 failed/);
    expect(critical.stdout.split("\n")[1]).toMatch(/smoke\.feature:\d+/);
    const warning = await cli("monitor", "undefined.feature");
    expect(warning.code).toBe(1);
    expect(warning.stdout).toMatch(/^ESCALATOR WARNING - 0 passed, 0 failed, 1 undefined/);
    expect((await cli("monitor", "broken.feature")).code).toBe(3);
    const bogus = await cli("monitor", "smoke.feature", "--bogus");
    expect(bogus.code).toBe(3);
    expect(bogus.stdout).toBe("ESCALATOR UNKNOWN - unknown option '--bogus'\n");
    expect((await cli("monitor", "smoke.feature", "--target", "not a url")).code).toBe(3);
    expect((await cli("test", "smoke.feature", "--target", "not a url")).code).toBe(2);
    const usage = await cli("monitor", "smoke.feature", "--parallel", "many");
    expect(usage.code).toBe(3);
    expect(usage.stdout).toMatch(/^ESCALATOR UNKNOWN - /);
  });

  it("a failing BeforeAll hook fails the run: test exits 1, monitor is CRITICAL", async () => {
    const steps = join(dir.path, "hooks.mjs");
    writeFileSync(
      steps,
      `import { BeforeAll } from ${JSON.stringify(new URL("../src/features/dsl.ts", import.meta.url).pathname)};\nBeforeAll(() => { throw new Error("no database"); });\n`,
    );
    const tested = await cli("test", "smoke.feature", "--target", target, "--require", steps);
    expect(tested.code).toBe(1);
    const monitored = await cli("monitor", "smoke.feature", "--target", target, "--require", steps);
    expect(monitored.code).toBe(2);
    expect(monitored.stdout).toMatch(/^ESCALATOR CRITICAL/);
  });

  it("a failing smoke feature in a running daemon leads to the deploy level", {
    timeout: 40_000,
  }, async () => {
    const ran = join(dir.path, "deployed");
    mkdirSync(join(dir.path, "env"), { recursive: true });
    writeFileSync(
      join(dir.path, "env", "escalator.yaml"),
      `environment: scenarios
quiescence: 300ms
levels:
  - name: deploy
    run: [node, -e, "require('fs').writeFileSync(process.argv[1], 'yes')", ${JSON.stringify(ran)}]
checks:
  - name: smoke
    scenario: { paths: [../smoke.feature], target: "${target}" }
    every: 1s
    timeout: 10s
    level: deploy
`,
    );
    healthy = false;
    let daemon: StartedProcess | undefined;
    try {
      daemon = startProcess([
        process.execPath,
        BIN,
        "-c",
        join(dir.path, "env", "escalator.yaml"),
        "run",
        "--listen",
        "127.0.0.1:0",
      ]);
      await eventually(() => existsSync(ran), 30_000, "the deploy level to run");
      expect(daemon.output()).toMatch(
        /ESCALATOR CRITICAL - 0 passed, 2 failed, 0 undefined \(retried once after: [^)]*smoke\.feature:\d+/,
      );
    } finally {
      healthy = true;
      await daemon?.stop();
    }
  });
});
