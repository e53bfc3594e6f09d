import { describe, expect, it } from "vitest";
import { withTempStore } from "../../test/helpers/temp-store.js";
import type { Store } from "./types.js";

let store: Store;
withTempStore((opened) => {
  store = opened;
});

const plan = (...levels: string[]) =>
  JSON.stringify({ levels: levels.map((level) => ({ level })), notes: [] });

async function escalation(id: string, startedAt: number, status: "succeeded" | "failed", levels: string[]) {
  await store.createEscalation({
    id,
    environment: "prod",
    status: "running",
    attempt: 1,
    dryRun: false,
    trigger: "[]",
    plan: plan(...levels),
    startedAt,
  });
  await store.finishEscalation(id, status, status, startedAt + 10);
}

describe("escalation history filters", () => {
  it("narrows by status and planned level, and pages by start time", async () => {
    await escalation("a", 1000, "succeeded", ["node", "deploy"]);
    await escalation("b", 2000, "failed", ["deploy"]);
    await escalation("c", 3000, "succeeded", ["node_x"]);
    await escalation("d", 4000, "succeeded", ["nodeAx"]);
    const ids = async (opts: Parameters<Store["listEscalations"]>[1]) =>
      (await store.listEscalations("prod", opts)).map((e) => e.id);
    expect(await ids({ status: "failed" })).toEqual(["b"]);
    expect(await ids({ level: "node" })).toEqual(["a"]);
    // "_" and "%" are LIKE wildcards: a level name matches only itself.
    expect(await ids({ level: "node_x" })).toEqual(["c"]);
    expect(await ids({ level: "deploy", status: "succeeded" })).toEqual(["a"]);
    expect(await ids({ limit: 2 })).toEqual(["d", "c"]);
    expect(await ids({ limit: 2, before: 3000 })).toEqual(["b", "a"]);
  });
});

describe("check transition pages", () => {
  it("returns ids newest first, narrowed by check and target, paged by id", async () => {
    const record = (check: string, target: string, at: number) =>
      store.recordCheckTransition({
        environment: "prod",
        check,
        target,
        fromState: "OK",
        toState: "CRITICAL",
        failing: true,
        message: `${check} ${target}`,
        at,
      });
    await record("port", "web-1", 100);
    await record("port", "web-2", 100);
    await record("http", "web-1", 100);
    await record("disk", "", 200);
    const page = await store.listCheckTransitionPage("prod", { limit: 2 });
    expect(page.map((t) => t.message)).toEqual(["disk ", "http web-1"]);
    const next = await store.listCheckTransitionPage("prod", { limit: 2, before: page[1]?.id as number });
    expect(next.map((t) => t.message)).toEqual(["port web-2", "port web-1"]);
    expect(
      (await store.listCheckTransitionPage("prod", { limit: 10, target: "web-1" })).map((t) => t.message),
    ).toEqual(["http web-1", "port web-1"]);
    expect(
      (await store.listCheckTransitionPage("prod", { limit: 10, check: "port", target: "web-2" })).map(
        (t) => t.message,
      ),
    ).toEqual(["port web-2"]);
    expect(
      (await store.listCheckTransitionPage("prod", { limit: 10, target: "" })).map((t) => t.check),
    ).toEqual(["disk"]);
  });
});
