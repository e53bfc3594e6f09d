import { describe, expect, it } from "vitest";
import { parseRate } from "../config/load-schema.js";
import { MAX_DEFAULT_CLOSED_CONNECTIONS, resolveLoad } from "./settings.js";

const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
};

describe("parseRate", () => {
  it("reads journeys per second, with or without /s, or per minute", () => {
    expect(parseRate("200/s")).toBe(200);
    expect(parseRate("200")).toBe(200);
    expect(parseRate(" 2.5 / s ")).toBe(2.5);
    expect(parseRate("600/m")).toBe(10);
    expect(parseRate(50)).toBe(50);
    expect(parseRate("abc")).toEqual({
      error: '"abc" is not a rate; write journeys per second such as 200/s (or 600/m)',
    });
    expect(parseRate("0/s")).toEqual({ error: '"0/s" is a zero rate; use more than 0/s' });
    expect(parseRate(-1)).toHaveProperty("error");
  });
});

describe("resolveLoad", () => {
  it("builds the settings from flags, with defaults", () => {
    const closed = resolveLoad([], { users: "10", duration: "20s", ramp: "5s", thinkTime: "1s" }, undefined);
    expect(closed.paths).toEqual(["features"]);
    expect(closed.settings).toEqual({
      model: { kind: "closed", users: 10 },
      durationMs: 20_000,
      rampMs: 5000,
      thinkTimeMs: 1000,
      connections: 10,
      workers: 1,
      dropAfterMs: 1000,
      maxInFlight: 10_000,
    });
    const open = resolveLoad(
      ["f.feature"],
      { rate: "500/s", duration: "1m", threshold: ["p95<300ms"] },
      undefined,
    );
    expect(open.settings.model).toEqual({ kind: "open", ratePerSecond: 500 });
    expect(open.settings.connections).toBe(100);
    expect(open.thresholds.map((t) => t.expression)).toEqual(["p95<300ms"]);
    expect(
      resolveLoad([], { rate: "20", duration: "1s", connections: "7" }, undefined).settings.connections,
    ).toBe(7);
  });

  it("lets flags override the config's load: section, whose paths are relative to its folder", () => {
    const config = {
      dir: "/srv/shop",
      load: {
        paths: ["load"],
        users: 5,
        duration: 60_000,
        connections: 8,
        thresholds: ["errors<1%"],
        target: "http://a",
      },
    };
    const fromConfig = resolveLoad([], {}, config);
    expect(fromConfig.paths).toEqual(["/srv/shop/load"]);
    expect(fromConfig.settings.model).toEqual({ kind: "closed", users: 5 });
    expect(fromConfig.settings.connections).toBe(8);
    expect(fromConfig.target).toBe("http://a");
    const overridden = resolveLoad(
      ["x.feature"],
      { rate: "10/s", duration: "2s", target: "http://b" },
      config,
    );
    expect(overridden.paths).toEqual(["x.feature"]);
    expect(overridden.settings.model).toEqual({ kind: "open", ratePerSecond: 10 });
    expect(overridden.settings.durationMs).toBe(2000);
    expect(overridden.target).toBe("http://b");
  });

  it("rejects bad combinations and values with clear messages", () => {
    expect(usage(() => resolveLoad([], { users: "1", rate: "1", duration: "1s" }, undefined))).toBe(
      "give --users (closed model) or --rate (open model), not both",
    );
    expect(usage(() => resolveLoad([], { duration: "1s" }, undefined))).toMatch(
      /^give --users N .* or --rate R\/s/,
    );
    expect(usage(() => resolveLoad([], { rate: "abc", duration: "1s" }, undefined))).toBe(
      '--rate: "abc" is not a rate; write journeys per second such as 200/s (or 600/m)',
    );
    expect(usage(() => resolveLoad([], { users: "2" }, undefined))).toBe(
      "give --duration, e.g. --duration 30s",
    );
    expect(usage(() => resolveLoad([], { users: "2", duration: "soon" }, undefined))).toMatch(
      /^--duration: "soon" is not a duration/,
    );
    expect(usage(() => resolveLoad([], { users: "2", duration: "1s", workers: "0" }, undefined))).toBe(
      '--workers must be a whole number from 1 to 64, got "0"',
    );
    expect(usage(() => resolveLoad([], { users: "1.5", duration: "1s" }, undefined))).toMatch(
      /^--users must be/,
    );
    expect(usage(() => resolveLoad([], { users: "1", duration: "5s", ramp: "6s" }, undefined))).toBe(
      "--ramp must not be longer than --duration",
    );
    expect(usage(() => resolveLoad([], { rate: "1", duration: "5s", thinkTime: "1s" }, undefined))).toMatch(
      /^--think-time applies to the closed model/,
    );
    expect(usage(() => resolveLoad([], { users: "1", duration: "5s", target: "shop" }, undefined))).toBe(
      '--target must be an http(s) URL such as http://127.0.0.1:8080, got "shop"',
    );
    expect(
      usage(() => resolveLoad([], { users: "1", duration: "5s", threshold: ["p95 300"] }, undefined)),
    ).toMatch(/p95 300/);
  });
  it("applies the config's think_time to the closed model only, so --rate overrides a closed config", () => {
    const config = { dir: "/srv/shop", load: { users: 5, think_time: 2000, duration: 60_000 } };
    expect(resolveLoad([], {}, config).settings.thinkTimeMs).toBe(2000);
    const open = resolveLoad([], { rate: "10/s" }, config);
    expect(open.settings.model).toEqual({ kind: "open", ratePerSecond: 10 });
    expect(open.settings.thinkTimeMs).toBe(0);
    // The flag still says what it applies to; a config giving rate with think_time is contradictory.
    expect(usage(() => resolveLoad([], { rate: "10/s", thinkTime: "1s" }, config))).toMatch(
      /^--think-time applies to the closed model/,
    );
    expect(
      usage(() => resolveLoad([], {}, { dir: "/srv", load: { rate: 10, think_time: 1000, duration: 5000 } })),
    ).toMatch(/think_time with rate; think_time applies to the closed model/);
    expect(
      resolveLoad([], { users: "3" }, { dir: "/srv", load: { rate: 10, think_time: 1000, duration: 5000 } })
        .settings.thinkTimeMs,
    ).toBe(1000);
  });

  it("defaults connections to users, at most MAX_DEFAULT_CLOSED_CONNECTIONS, like the open model's cap", () => {
    const connections = (flags: Parameters<typeof resolveLoad>[1]) =>
      resolveLoad([], { duration: "1s", ...flags }, undefined).settings.connections;
    expect(connections({ users: "50" })).toBe(50);
    expect(connections({ users: "50000" })).toBe(MAX_DEFAULT_CLOSED_CONNECTIONS);
    expect(MAX_DEFAULT_CLOSED_CONNECTIONS).toBe(1000);
    expect(connections({ users: "50000", connections: "20000" })).toBe(20_000);
    expect(connections({ rate: "5000/s" })).toBe(100);
  });
});
