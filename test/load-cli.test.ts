import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadSummary } from "../src/load/types.js";
import { runCli } from "./helpers/start-process.js";
import { tmpDir } from "./helpers/tmp-dir.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** `escalator load` through the built CLI (run `npm run build` first), against a fast local server. */
describe("escalator load", () => {
  const dir = tmpDir("escalator-load-");
  let server: Server;
  let target = "";
  let served = 0;
  const write = (name: string, text: string) => writeFileSync(join(dir.path, name), text);
  const cli = (...args: string[]) => runCli(args, { cwd: dir.path });
  const summaryOf = (file: string) => JSON.parse(readFileSync(join(dir.path, file), "utf8")) as LoadSummary;

  beforeAll(async () => {
    server = createServer((request, response) => {
      served++;
      if (request.url === "/broken") return response.writeHead(503).end("down");
      response.writeHead(200, { "content-type": "text/plain" }).end("release 1.0");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    write(
      "home.feature",
      `Feature: Home
  Scenario: home page
    When I GET "/"
    Then the response status should be 200
`,
    );
    write(
      "mix.feature",
      `@weight:20
Feature: Mix
  @weight:70
  Scenario: browse
    When I GET "/browse?page=1"

  Scenario: search
    When I GET "/search"

  @weight:10
  Scenario: checkout
    When I GET "/checkout"
    Then the response should contain "release"
`,
    );
    write(
      "broken.feature",
      'Feature: Broken\n  Scenario: down\n    When I GET "/broken"\n    Then the response status should be 200\n',
    );
    write("undefined.feature", "Feature: Gaps\n  Scenario: new idea\n    Given a step nobody wrote\n");
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    dir.remove();
  });

  it("runs a 70/20/10 mix at exactly those shares", async () => {
    const result = await cli(
      "load",
      "mix.feature",
      "--target",
      target,
      "--rate",
      "2500/s",
      "--duration",
      "2s",
      "--json",
      "mix.json",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = summaryOf("mix.json");
    const finished = Object.values(summary.journeys).reduce((n, j) => n + j.count, 0);
    expect(finished).toBeGreaterThanOrEqual(5000);
    const shares = Object.fromEntries(
      Object.entries(summary.journeys).map(([name, j]) => [name, j.achievedShare]),
    );
    console.log(`weights: ${finished} journeys, shares ${JSON.stringify(shares)}`);
    expect(summary.journeys.browse?.achievedShare).toBeCloseTo(0.7, 1);
    for (const [name, share] of [
      ["browse", 0.7],
      ["search", 0.2],
      ["checkout", 0.1],
    ] as const) {
      expect(Math.abs((summary.journeys[name]?.achievedShare ?? 0) - share)).toBeLessThanOrEqual(0.03);
      expect(summary.journeys[name]?.requestedShare).toBeCloseTo(share, 6);
    }
    // Request names drop the query string.
    expect(Object.keys(summary.requestsByName).sort()).toEqual([
      "GET /browse",
      "GET /checkout",
      "GET /search",
    ]);
    expect(result.stdout).toContain("browse");
  }, 30_000);

  it("writes a JSON summary with the documented fields, and an HTML report", async () => {
    const result = await cli(
      "load",
      "home.feature",
      "--target",
      target,
      "--users",
      "4",
      "--duration",
      "1s",
      "--json",
      "out/summary.json",
      "--report",
      "out/report.html",
      "--threshold",
      "p99<10s",
    );
    expect(result.code).toBe(0);
    const summary = summaryOf("out/summary.json");
    expect(summary.requests).toBeGreaterThan(0);
    expect(summary.rps).toBeGreaterThan(0);
    expect(summary.errors).toBe(0);
    for (const key of ["p50", "p90", "p99", "p999", "max"] as const)
      expect(summary.latency[key]).toBeGreaterThan(0);
    expect(summary.journeys["home page"]?.count).toBe(summary.requests);
    expect(summary.thresholds).toEqual([
      { expression: "p99<10s", actual: expect.any(Number), unit: "ms", passed: true },
    ]);
    expect(summary.dropped).toBe(0);
    expect(readFileSync(join(dir.path, "out/report.html"), "utf8")).toMatch(/^<!doctype html>/i);
    expect(existsSync(join(dir.path, "out/summary.json.tmp"))).toBe(false);
  }, 30_000);

  it("prints the JSON summary with the global --json", async () => {
    const result = await cli(
      "--json",
      "load",
      "home.feature",
      "--target",
      target,
      "--users",
      "2",
      "--duration",
      "1s",
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as LoadSummary;
    expect(summary.model).toEqual({ kind: "closed", users: 2 });
  }, 30_000);

  it("exits 1 when a threshold fails, showing its measured value, and counts errors by kind", async () => {
    const result = await cli(
      "load",
      "home.feature",
      "broken.feature",
      "--target",
      target,
      "--users",
      "2",
      "--duration",
      "1s",
      "--threshold",
      "p99<0.001ms",
      "--threshold",
      "rps>1000000",
      "--threshold",
      "p99<10s",
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/p99<0\.001ms.*\d/);
    expect(result.stdout).toMatch(/rps>1000000.*\d/);
    expect(result.stdout).toMatch(/HTTP 503/);
    const json = await cli(
      "--json",
      "load",
      "broken.feature",
      "--target",
      target,
      "--users",
      "1",
      "--duration",
      "1s",
      "--threshold",
      "errors<1%",
    );
    expect(json.code).toBe(1);
    const summary = JSON.parse(json.stdout) as LoadSummary;
    expect(summary.errorsByKind).toEqual({ "HTTP 503": summary.errors });
    expect(summary.requestsByName["GET /broken"]?.errors).toBe(summary.requests);
    expect(summary.thresholds[0]).toMatchObject({ expression: "errors<1%", actual: 100, passed: false });
  }, 30_000);

  it("exits 2 on usage errors and on undefined steps, naming file:line, running nothing", async () => {
    const before = served;
    const cases: [string[], RegExp][] = [
      [["--users", "2", "--rate", "5/s", "--duration", "1s"], /--users .* or --rate .*, not both/],
      [["--rate", "abc", "--duration", "1s"], /--rate: "abc" is not a rate/],
      [
        ["--users", "2", "--duration", "1s", "--workers", "0"],
        /--workers must be a whole number from 1 to 64/,
      ],
      [["--users", "2"], /give --duration/],
      [["--duration", "1s"], /give --users N/],
      [["--users", "2", "--duration", "1s", "--threshold", "p95 fast"], /p95 fast/],
      [["--users", "2", "--duration", "1s", "--target", "shop"], /--target must be an http\(s\) URL/],
    ];
    for (const [args, message] of cases) {
      const result = await cli("load", "home.feature", "--target", target, ...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const undefinedStep = await cli(
      "load",
      "undefined.feature",
      "--target",
      target,
      "--users",
      "1",
      "--duration",
      "1s",
    );
    expect(undefinedStep.code).toBe(2);
    expect(undefinedStep.stderr).toContain('undefined.feature:3 Undefined step "a step nobody wrote"');
    expect(undefinedStep.stderr).toContain("nothing was run");
    expect(served).toBe(before);
    const help = await cli("load", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes: 0 every threshold passed; 1 any failed; 2 usage/);
  }, 60_000);

  it("takes its defaults from load: in escalator.yaml, flags overriding them", async () => {
    const project = join(dir.path, "project");
    mkdirSync(join(project, "journeys"), { recursive: true });
    writeFileSync(join(project, "journeys", "home.feature"), readFileSync(join(dir.path, "home.feature")));
    const config = (load: string) =>
      writeFileSync(
        join(project, "escalator.yaml"),
        `environment: shop\nlevels:\n  - name: restart\n    run: ["true"]\nload:\n${load}`,
      );
    config(
      `  paths: [journeys]\n  target: ${target}\n  users: 2\n  duration: 1s\n  thresholds: ["rps>1000000"]\n`,
    );
    const fromConfig = await runCli(["--json", "load"], { cwd: project });
    expect(fromConfig.stderr).toBe("");
    expect(fromConfig.code).toBe(1);
    const summary = JSON.parse(fromConfig.stdout) as LoadSummary;
    expect(summary.model).toEqual({ kind: "closed", users: 2 });
    expect(summary.thresholds[0]?.expression).toBe("rps>1000000");
    const overridden = await runCli(["--json", "load", "--rate", "50/s", "--threshold", "errors<1%"], {
      cwd: project,
    });
    expect(overridden.code).toBe(0);
    expect((JSON.parse(overridden.stdout) as LoadSummary).model).toEqual({ kind: "open", ratePerSecond: 50 });
    config("  users: 2\n  rate: fast\n  think: 1s\n");
    const bad = await runCli(["load"], { cwd: project });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/escalator\.yaml:\d+:\d+.*"fast" is not a rate/);
    expect(bad.stderr).toMatch(/think/);
  }, 30_000);

  it("runs user steps, hooks and parameter types, and aborts journeys still running after the grace", async () => {
    const project = join(dir.path, "user");
    mkdirSync(join(project, "features", "steps"), { recursive: true });
    mkdirSync(join(project, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(project, "node_modules", "escalator"));
    writeFileSync(
      join(project, "features", "steps", "steps.ts"),
      `import { After, Before, defineParameterType, Then, When } from "escalator";
defineParameterType({ name: "color", regexp: /red|blue/, transformer: (s: string) => s.toUpperCase() });
Before(function () { this.trail = ["before"]; });
When("I pick {color}", function (color: string) { this.color = color; });
Then("the color is {word}", function (word: string) {
  if (this.color !== word || this.trail[0] !== "before") throw new Error(\`got \${this.color}\`);
});
When("I wait forever", () => new Promise(() => undefined));
After(function () { this.trail.push("after"); });
`,
    );
    writeFileSync(
      join(project, "features", "colors.feature"),
      `Feature: Colors
  Scenario: pick
    When I pick red
    Then the color is RED
    When I GET "/"

  Scenario: hang
    When I wait forever
`,
    );
    const started = Date.now();
    const result = await runCli(["--json", "load", "--target", target, "--users", "2", "--duration", "1s"], {
      cwd: project,
      env: { ESCALATOR_STEP_TIMEOUT_MS: "300" },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000);
    const summary = JSON.parse(result.stdout) as LoadSummary;
    expect(summary.journeys.pick?.count).toBeGreaterThanOrEqual(1);
    expect(summary.journeys.pick?.errors).toBe(0);
    expect(summary.errorsByKind).toEqual({ aborted: 2 });
    expect(Object.keys(summary.steps).sort()).toEqual(['I GET "/"', "I pick red", "the color is RED"]);
  }, 30_000);

  it("with --workers 2, totals are the sum of both workers' counts and what the server saw", async () => {
    const before = served;
    const result = await cli(
      "load",
      "home.feature",
      "--target",
      target,
      "--rate",
      "400/s",
      "--duration",
      "2s",
      "--workers",
      "2",
      "--json",
      "workers.json",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = summaryOf("workers.json");
    const perWorker = summary.perWorker ?? [];
    console.log(
      `workers: ${JSON.stringify(perWorker)}; total ${summary.requests}; server ${served - before}`,
    );
    expect(perWorker.map((w) => w.worker)).toEqual([0, 1]);
    expect(perWorker.every((w) => w.requests > 0)).toBe(true);
    expect(perWorker.reduce((n, w) => n + w.requests, 0)).toBe(summary.requests);
    expect(summary.requests).toBe(served - before);
    expect(summary.requests).toBe(800);
    expect(summary.workers).toBe(2);
  }, 30_000);
});
