import { describe, expect, it } from "vitest";
import { withTempStore } from "../../test/helpers/temp-store.js";
import { type EscalationHistory, INTERRUPTED_OUTCOME } from "./escalation-history.js";
import type { EscalationRecord, Store } from "./types.js";

let store: Store;
withTempStore((opened) => {
  store = opened;
});

const escalation = (
  id: string,
  over: Partial<EscalationRecord> = {},
): Omit<EscalationRecord, "endedAt" | "outcome"> => ({
  id,
  environment: "prod",
  status: "running",
  attempt: 1,
  dryRun: false,
  trigger: '[{"check":"http"}]',
  plan: '{"levels":["node"]}',
  startedAt: 1_000,
  ...over,
});

const step = (escalationId: string, startedAt = 1_000) => ({
  escalationId,
  level: "node",
  target: "web-1",
  attempt: 1,
  role: "action" as const,
  startedAt,
});

describe("escalations", () => {
  it("round-trips create, finish and get", async () => {
    await store.createEscalation(escalation("e1", { dryRun: true, attempt: 2, status: "dry-run" }));
    expect(await store.getEscalation("e1")).toEqual({
      ...escalation("e1", { dryRun: true, attempt: 2, status: "dry-run" }),
      endedAt: null,
      outcome: null,
    });
    await store.finishEscalation("e1", "succeeded", "converged", 5_000);
    expect(await store.getEscalation("e1")).toMatchObject({
      status: "succeeded",
      outcome: "converged",
      endedAt: 5_000,
      dryRun: true,
    });
    expect(await store.getEscalation("missing")).toBeUndefined();
  });

  it("refuses to finish an escalation that does not exist", async () => {
    await expect(store.finishEscalation("missing", "failed", "x", 1)).rejects.toMatchObject({
      code: "STORE_FAILED",
    });
  });

  it("lists newest first per environment, honours limit and a default of 50", async () => {
    for (let i = 0; i < 55; i++)
      await store.createEscalation(escalation(`e${String(i).padStart(2, "0")}`, { startedAt: i }));
    await store.createEscalation(escalation("other", { environment: "staging", startedAt: 999 }));
    const all = await store.listEscalations("prod");
    expect(all).toHaveLength(50);
    expect(all[0]?.id).toBe("e54");
    expect(all.at(-1)?.id).toBe("e05");
    expect((await store.listEscalations("prod", { limit: 2 })).map((e) => e.id)).toEqual(["e54", "e53"]);
  });

  it("pages by start time and id, so escalations that started in the same millisecond are not skipped", async () => {
    await store.createEscalation(escalation("a", { startedAt: 1_000 }));
    await store.createEscalation(escalation("b", { startedAt: 2_000 }));
    await store.createEscalation(escalation("c", { startedAt: 2_000 }));
    // The opened store is built from escalationHistory(), whose listEscalations takes beforeId too.
    const list = store.listEscalations as EscalationHistory["listEscalations"];
    const seen: string[] = [];
    let cursor: { before: number; beforeId: string } | undefined;
    for (;;) {
      const page = await list("prod", { limit: 1, ...cursor });
      const last = page[0];
      if (!last) break;
      seen.push(last.id);
      cursor = { before: last.startedAt, beforeId: last.id };
    }
    expect(seen).toEqual(["c", "b", "a"]);
    // `before` alone stays exclusive on the start time.
    expect((await list("prod", { before: 2_000 })).map((e) => e.id)).toEqual(["a"]);
  });
});

describe("steps", () => {
  it("round-trips start and finish, with ids from the database", async () => {
    await store.createEscalation(escalation("e1"));
    const first = await store.startStep(step("e1", 1_000));
    const second = await store.startStep({ ...step("e1", 2_000), target: "", role: "fallback", attempt: 2 });
    expect(second).toBeGreaterThan(first);
    await store.finishStep(first, { status: "failed", endedAt: 1_500, exitCode: 3, output: "boom\n" });
    // In the order they ran.
    expect(await store.listSteps("e1")).toEqual([
      { id: first, ...step("e1", 1_000), status: "failed", endedAt: 1_500, exitCode: 3, output: "boom\n" },
      {
        id: second,
        escalationId: "e1",
        level: "node",
        target: "",
        attempt: 2,
        role: "fallback",
        status: "running",
        startedAt: 2_000,
        endedAt: null,
        exitCode: null,
        output: "",
      },
    ]);
    expect(await store.listSteps("other")).toEqual([]);
  });

  it("rejects a step for an unknown escalation (foreign keys are on)", async () => {
    await expect(store.startStep(step("missing"))).rejects.toThrow(/FOREIGN KEY/);
  });

  it("keeps only the last 64 KiB of output", async () => {
    await store.createEscalation(escalation("e1"));
    const id = await store.startStep(step("e1"));
    const output = `${"x".repeat(70_000)}é${"y".repeat(64 * 1024 - 2)}`;
    await store.finishStep(id, { status: "succeeded", endedAt: 2_000, exitCode: 0, output });
    const [stored] = await store.listSteps("e1");
    expect(Buffer.byteLength(stored?.output ?? "")).toBe(64 * 1024);
    expect(stored?.output).toBe(`é${"y".repeat(64 * 1024 - 2)}`);
  });

  it("drops a character cut by the 64 KiB boundary instead of storing half of it", async () => {
    await store.createEscalation(escalation("e1"));
    const id = await store.startStep(step("e1"));
    const tail = "z".repeat(64 * 1024 - 1);
    await store.finishStep(id, { status: "succeeded", endedAt: 2_000, exitCode: 0, output: `a€${tail}` });
    const [stored] = await store.listSteps("e1");
    expect(stored?.output).toBe(tail);
  });
});

describe("markInterrupted", () => {
  it("marks running escalations of that environment and their running steps, and returns their ids", async () => {
    await store.createEscalation(escalation("run-1"));
    await store.createEscalation(escalation("run-2", { startedAt: 2_000 }));
    await store.createEscalation(escalation("done"));
    await store.createEscalation(escalation("elsewhere", { environment: "staging" }));
    await store.finishEscalation("done", "succeeded", "converged", 1_500);
    const finished = await store.startStep(step("run-1"));
    await store.finishStep(finished, { status: "succeeded", endedAt: 1_100, exitCode: 0, output: "ok" });
    const running = await store.startStep(step("run-1", 1_200));
    const elsewhere = await store.startStep(step("elsewhere"));

    const ids = await store.markInterrupted("prod", 9_000);

    expect(ids.sort()).toEqual(["run-1", "run-2"]);
    for (const id of ids) {
      expect(await store.getEscalation(id)).toMatchObject({
        status: "interrupted",
        endedAt: 9_000,
        outcome: INTERRUPTED_OUTCOME,
      });
    }
    expect(INTERRUPTED_OUTCOME).toBe("interrupted: daemon stopped while it was running (crash or kill -9)");
    expect(await store.getEscalation("done")).toMatchObject({ status: "succeeded", endedAt: 1_500 });
    expect(await store.getEscalation("elsewhere")).toMatchObject({ status: "running", endedAt: null });
    const steps = await store.listSteps("run-1");
    expect(steps.find((s) => s.id === running)).toMatchObject({ status: "interrupted", endedAt: 9_000 });
    expect(steps.find((s) => s.id === finished)).toMatchObject({ status: "succeeded", endedAt: 1_100 });
    expect((await store.listSteps("elsewhere")).find((s) => s.id === elsewhere)?.status).toBe("running");
  });

  it("returns no ids when nothing is running", async () => {
    expect(await store.markInterrupted("prod", 1)).toEqual([]);
  });
});
