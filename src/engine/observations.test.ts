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
