import { describe, expect, it } from "vitest";
import { createEngineMetrics } from "./engine-metrics.js";

function line(body: string, prefix: string): string | undefined {
  return body.split("\n").find((l) => l.startsWith(prefix));
}

describe("createEngineMetrics", () => {
  it("counts finished escalations by status, with the environment label", async () => {
    const metrics = createEngineMetrics("prod");
    metrics.escalationFinished("succeeded");
    metrics.escalationFinished("succeeded");
    metrics.escalationFinished("failed");
    const { contentType, body } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toContain("# TYPE escalator_escalations_total counter");
    expect(body).toContain('escalator_escalations_total{status="succeeded",environment="prod"} 2');
    expect(body).toContain('escalator_escalations_total{status="failed",environment="prod"} 1');
    expect(body).toContain('escalator_escalations_total{status="stuck",environment="prod"} 0');
  });

  it("sets exactly one check state to 1 and forgets a removed check", async () => {
    const metrics = createEngineMetrics("prod");
    metrics.checkState("web", "node-1", "OK");
    metrics.checkState("web", "node-1", "CRITICAL");
    metrics.checkState("db", "", "WARNING");
    let { body } = await metrics.render();
    const web = body.split("\n").filter((l) => l.startsWith('escalator_check_state{check="web"'));
    expect(web).toHaveLength(4);
    expect(web.filter((l) => l.endsWith(" 1"))).toEqual([
      'escalator_check_state{check="web",target="node-1",state="CRITICAL",environment="prod"} 1',
    ]);
    metrics.checkState("web", "node-1", null);
    ({ body } = await metrics.render());
    expect(body).not.toContain('check="web"');
    expect(body).toContain(
      'escalator_check_state{check="db",target="",state="WARNING",environment="prod"} 1',
    );
  });

  it("observes step durations in buckets from 0.1 s to 1 h", async () => {
    const metrics = createEngineMetrics("prod");
    metrics.stepFinished("service", "succeeded", 0.05);
    metrics.stepFinished("service", "succeeded", 42);
    const { body } = await metrics.render();
    const bucket = (le: string) =>
      line(
        body,
        `escalator_step_duration_seconds_bucket{le="${le}",environment="prod",level="service",status="succeeded"}`,
      );
    expect(bucket("0.1")).toMatch(/ 1$/);
    expect(bucket("30")).toMatch(/ 1$/);
    expect(bucket("60")).toMatch(/ 2$/);
    expect(bucket("3600")).toMatch(/ 2$/);
    expect(line(body, "escalator_step_duration_seconds_sum{")).toMatch(/ 42\.05$/);
  });

  it("shows the guard of each group", async () => {
    const metrics = createEngineMetrics("prod");
    metrics.guard("nodes", { targets: 3, failing: 3, limit: 1, tripped: true });
    const { body } = await metrics.render();
    expect(body).toContain('escalator_guard_targets{group="nodes",environment="prod"} 3');
    expect(body).toContain('escalator_guard_failing{group="nodes",environment="prod"} 3');
    expect(body).toContain('escalator_guard_limit{group="nodes",environment="prod"} 1');
    expect(body).toContain('escalator_guard_tripped{group="nodes",environment="prod"} 1');
  });

  it("sets the current engine state to 1 and every other to 0", async () => {
    const metrics = createEngineMetrics("prod");
    metrics.engineState("escalating");
    metrics.engineState("awaiting-approval");
    const { body } = await metrics.render();
    const states = body.split("\n").filter((l) => l.startsWith("escalator_engine_state{"));
    expect(states).toHaveLength(9);
    expect(states.filter((l) => l.endsWith(" 1"))).toEqual([
      'escalator_engine_state{state="awaiting-approval",environment="prod"} 1',
    ]);
  });

  it("includes process metrics, and keeps each engine's registry apart", async () => {
    const a = createEngineMetrics("a");
    const b = createEngineMetrics("b");
    a.escalationFinished("failed");
    const [bodyA, bodyB] = await Promise.all([a.render(), b.render()]).then((r) => r.map((x) => x.body));
    expect(bodyA).toContain("escalator_process_cpu_seconds_total");
    expect(bodyA).toContain('escalator_escalations_total{status="failed",environment="a"} 1');
    expect(bodyB).toContain('escalator_escalations_total{status="failed",environment="b"} 0');
  });
});
