import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tmpDir } from "../../test/helpers/tmp-dir.js";
import { ConfigError, EscalatorError, formatConfigProblem } from "../util/errors.js";
import { loadConfig, parseConfigText } from "./load-config.js";

const EXAMPLE = `environment: shop
quiescence: 30s
targets:
  web: [web-1, web-2, web-3]
  dyn: { command: [./list-targets.sh], every: 1m }
levels:
  - name: account
    run: [./ops/account.sh]
    quiescence: 5m
    timeout: 20m
    retries: 2
  - name: node
    for_each: web
    run: [./ops/replace-node.sh, "{{target}}"]
  - name: converge
    for_each: web
    run: [./ops/converge.sh, "{{target}}"]
  - name: deploy
    run: [./ops/deploy.sh]
    fallback: { run: [./ops/deploy.sh, --previous] }
checks:
  - name: provider-online
    http: { url: "https://provider.example/status", status: 200, timeout: 5s }
    every: 30s
    level: account
  - name: node-port
    for_each: web
    tcp: "{{target}}:8080"
    level: node
  - name: node-services
    for_each: web
    command: [/usr/lib/nagios/plugins/check_tcp, -H, "{{target}}", -p, "5432"]
    level: converge
notify:
  - command: [./ops/page.sh]
  - webhook: { url: "https://hooks.example/escalator" }
`;

let dir: ReturnType<typeof tmpDir>;
beforeEach(() => {
  dir = tmpDir();
});
afterEach(() => dir.remove());

function writeConfig(text: string, name = "escalator.yaml"): string {
  const file = join(dir.path, name);
  writeFileSync(file, text);
  return file;
}

describe("loadConfig with a valid file", () => {
  it("loads the example with durations in milliseconds", () => {
    const config = loadConfig(writeConfig(EXAMPLE));
    expect(config.environment).toBe("shop");
    expect(config.quiescence).toBe(30_000);
    expect(config.targets).toEqual({
      web: ["web-1", "web-2", "web-3"],
      dyn: { command: ["./list-targets.sh"], every: 60_000, timeout: 30_000 },
    });
    expect(config.levels.map((level) => level.name)).toEqual(["account", "node", "converge", "deploy"]);
    expect(config.levels[0]).toMatchObject({
      run: ["./ops/account.sh"],
      quiescence: 300_000,
      timeout: 1_200_000,
      retries: 2,
    });
    expect(config.levels[1]).toMatchObject({ for_each: "web", run: ["./ops/replace-node.sh", "{{target}}"] });
    expect(config.levels[3]?.fallback).toEqual({ run: ["./ops/deploy.sh", "--previous"] });
    expect(config.checks[0]?.http).toEqual({
      url: "https://provider.example/status",
      method: "GET",
      status: 200,
      timeout: 5000,
    });
    expect(config.checks[1]?.tcp).toBe("{{target}}:8080");
    expect(config.checks[2]?.command).toEqual([
      "/usr/lib/nagios/plugins/check_tcp",
      "-H",
      "{{target}}",
      "-p",
      "5432",
    ]);
    expect(config.notify).toEqual([
      { command: ["./ops/page.sh"] },
      { webhook: { url: "https://hooks.example/escalator" } },
    ]);
  });

  it("applies the defaults", () => {
    const config = loadConfig(writeConfig(EXAMPLE));
    expect(config.max_attempts).toBe(3);
    expect(config.levels[1]?.retries).toBe(0);
    expect(config.levels[1]?.quiescence).toBeUndefined();
    for (const check of config.checks) {
      expect(check.every).toBe(30_000);
      expect(check.timeout).toBe(10_000);
      expect(check.failures).toBe(1);
      expect(check.successes).toBe(1);
      expect(check.escalate_on).toEqual(["CRITICAL"]);
    }
  });

  it("applies the top-level defaults to a minimal file", () => {
    const { config, problems } = parseConfigText(
      "environment: tiny\nlevels:\n  - name: only\n    run: [./fix.sh]\n",
      join(dir.path, "tiny.yaml"),
    );
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      quiescence: 30_000,
      max_attempts: 3,
      retention: 90 * 86_400_000,
      targets: {},
      checks: [],
      notify: [],
      levels: [{ name: "only", run: ["./fix.sh"], retries: 0 }],
    });
  });

  it("records where it was loaded from and defaults the store next to the file", () => {
    const file = writeConfig(EXAMPLE);
    const config = loadConfig(file);
    expect(config.file).toBe(file);
    expect(config.dir).toBe(dir.path);
    expect(config.storeUrl).toBe(`sqlite:${dir.path}/.escalator/shop.db`);
  });

  it("resolves a relative sqlite store against the file's folder and keeps other URLs", () => {
    const relative = loadConfig(writeConfig(`store: sqlite:data/history.db\n${EXAMPLE}`));
    expect(relative.storeUrl).toBe(`sqlite:${dir.path}/data/history.db`);
    const memory = loadConfig(writeConfig(`store: "sqlite::memory:"\n${EXAMPLE}`));
    expect(memory.storeUrl).toBe("sqlite::memory:");
  });

  it("returns a deeply frozen config", () => {
    const config = loadConfig(writeConfig(EXAMPLE));
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.levels)).toBe(true);
    expect(Object.isFrozen(config.levels[1])).toBe(true);
    expect(Object.isFrozen(config.levels[1]?.run)).toBe(true);
    expect(Object.isFrozen(config.levels[3]?.fallback)).toBe(true);
    expect(Object.isFrozen(config.targets.web)).toBe(true);
    expect(Object.isFrozen(config.checks[0]?.http)).toBe(true);
    expect(Object.isFrozen(config.checks[0]?.escalate_on)).toBe(true);
    expect(() => {
      (config.levels as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it("does not share default arrays between checks", () => {
    const config = loadConfig(writeConfig(EXAMPLE));
    expect(config.checks[0]?.escalate_on).not.toBe(config.checks[1]?.escalate_on);
  });
});

describe("loadConfig with a missing or invalid file", () => {
  it("throws CONFIG_NOT_FOUND naming the file and the -c flag", () => {
    const file = join(dir.path, "nope.yaml");
    let caught: unknown;
    try {
      loadConfig(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EscalatorError);
    expect((caught as EscalatorError).code).toBe("CONFIG_NOT_FOUND");
    expect((caught as EscalatorError).message).toBe(
      `${file}: no such file; pass the config with -c/--config (default ./escalator.yaml)`,
    );
  });

  it("throws a ConfigError listing every problem with file:line:col", () => {
    const file = writeConfig("environment: shop\nlevels:\n  - name: a\n    run: [x]\n    retries: two\n");
    let caught: unknown;
    try {
      loadConfig(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.problems.map(formatConfigProblem)).toEqual([
      `${file}:5:14 levels[0].retries: expected a number, got "two"`,
    ]);
    expect(error.message).toBe(`${file}:5:14 levels[0].retries: expected a number, got "two"`);
  });

  it("reports an empty file as empty", () => {
    const file = writeConfig("");
    expect(() => loadConfig(file)).toThrow(
      `${file}:1:1 the file is empty; an escalator.yaml needs at least environment: NAME and levels: [...]`,
    );
    const comments = parseConfigText("# nothing yet\n\n", "escalator.yaml");
    expect(comments.problems.map(formatConfigProblem)).toEqual([
      "escalator.yaml:1:1 the file is empty; an escalator.yaml needs at least environment: NAME and levels: [...]",
    ]);
  });
});
