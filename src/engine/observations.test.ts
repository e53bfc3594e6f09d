import { describe, expect, it } from "vitest";
import type { CheckInstance } from "../checks/scheduler.js";
import type { CheckResult } from "../checks/types.js";
import type { CheckConfig } from "../config/schema.js";
import { Observations } from "./observations.js";

const check = (extra: Partial<CheckConfig> = {}) =>
  ({
    name: "svc",
    level: "deploy",
    every: 1000,
    timeout: 1000,
    failures: 1,
    successes: 2,
    escalate_on: ["CRITICAL"],
    ...extra,
  }) as CheckConfig;
const result = (state: CheckResult["state"]): CheckResult => ({
  state,
  message: state,
  perfdata: [],
  durationMs: 1,
});

describe("Observations", () => {
  it("tracks failing instances with when they started failing and when they were first seen", () => {
    const transitions: string[] = [];
    const obs = new Observations("shop", {
      onTransition: (t) => transitions.push(`${t.check}@${t.target}:${t.toState}:${t.failing}`),
    });
    const instance: CheckInstance = { key: "svc@a", check: check(), target: "a" };
    obs.setInstances([instance]);
    obs.record(instance, result("OK"), 100);
    obs.record(instance, result("CRITICAL"), 200);
    expect(obs.failing()).toEqual([
      {
        check: "svc",
        target: "a",
        level: "deploy",
        state: "CRITICAL",
        message: "CRITICAL",
        since: 200,
        firstSeenAt: 100,
      },
    ]);
    expect(transitions).toEqual(["svc@a:OK:false", "svc@a:CRITICAL:true"]);
  });

  it("counts a WARNING that does not escalate as recovering, so verification gives it more runs", () => {
    const obs = new Observations("shop", { onTransition: () => {} });
    const instance: CheckInstance = { key: "svc", check: check() };
    obs.setInstances([instance]);
    obs.record(instance, result("CRITICAL"), 1);
    obs.record(instance, result("WARNING"), 2);
    expect(obs.recovering()).toEqual(new Set(["svc"]));
    obs.record(instance, result("WARNING"), 3);
    expect(obs.failing()).toEqual([]);
  });

  it("forgets instances whose target left the group and returns them", () => {
    const obs = new Observations("shop", { onTransition: () => {} });
    const a: CheckInstance = { key: "svc@a", check: check(), target: "a" };
    const b: CheckInstance = { key: "svc@b", check: check(), target: "b" };
    obs.setInstances([a, b]);
    obs.record(b, result("CRITICAL"), 1);
    expect(obs.setInstances([a])).toEqual([b]);
    expect(obs.failing()).toEqual([]);
    expect(obs.size).toBe(1);
  });
});

describe("Observations: what does not plan levels", () => {
  const flappy = (extra: Partial<CheckConfig> = {}) => check({ successes: 1, ...extra });

  it("a flapping check triggers no escalation, tells the sink once, and settles by hysteresis", () => {
    const flaps: boolean[] = [];
    const obs = new Observations(
      "shop",
      { onTransition: () => {}, onFlapping: (_i, flapping) => flaps.push(flapping) },
      { low: 5, high: 20 },
    );
    const instance: CheckInstance = { key: "svc", check: flappy() };
    obs.setInstances([instance]);
    let at = 0;
    for (let i = 0; i < 10; i++) obs.record(instance, result(i % 2 === 0 ? "CRITICAL" : "OK"), at++);
    obs.record(instance, result("CRITICAL"), at++);
    expect(flaps).toEqual([true]);
    expect(obs.flappingKeys()).toEqual(["svc"]);
    expect(obs.failing()).toEqual([]);
    expect(obs.suppressed()).toEqual([{ check: "svc", target: "", why: "flapping" }]);
    for (let i = 0; i < 25; i++) obs.record(instance, result("CRITICAL"), at++);
    expect(flaps).toEqual([true, false]);
    expect(obs.failing().map((f) => f.check)).toEqual(["svc"]);
  });

  it("a child's failure is attributed to its failing parent (per target) and plans nothing", () => {
    const obs = new Observations("shop", { onTransition: () => {} });
    const ping: CheckInstance = {
      key: "ping@a",
      check: check({ name: "ping", flapping: false }),
      target: "a",
    };
    const http: CheckInstance = {
      key: "http@a",
      check: check({ name: "http", depends_on: ["ping"], flapping: false }),
      target: "a",
    };
    const httpB: CheckInstance = {
      key: "http@b",
      check: check({ name: "http", depends_on: ["ping"], flapping: false }),
      target: "b",
    };
    obs.setInstances([ping, http, httpB]);
    obs.record(ping, result("CRITICAL"), 1);
    obs.record(http, result("CRITICAL"), 1);
    obs.record(httpB, result("CRITICAL"), 1);
    expect(obs.failing().map((f) => `${f.check}@${f.target}`)).toEqual(["ping@a", "http@b"]);
    expect(obs.suppressed()).toEqual([
      { check: "http", target: "a", why: "attributed to failing parent ping" },
    ]);
  });

  it("a silenced check still records but plans nothing", () => {
    const obs = new Observations("shop", { onTransition: () => {} });
    const instance: CheckInstance = { key: "svc@a", check: check({ flapping: false }), target: "a" };
    obs.setInstances([instance]);
    obs.setSilencer((name, target) => name === "svc" && target === "a");
    obs.record(instance, result("CRITICAL"), 1);
    expect(obs.failing()).toEqual([]);
    expect(obs.suppressed()).toEqual([{ check: "svc", target: "a", why: "silenced" }]);
  });
});
