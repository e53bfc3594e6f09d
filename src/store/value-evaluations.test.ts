import { describe, expect, it } from "vitest";
import { withTempStore } from "../../test/helpers/temp-store.js";
import type { Store, ValueEvaluationRecord } from "./types.js";
import { MAX_STORED_SAMPLES } from "./value-evaluations.js";

let store: Store;
withTempStore((opened) => {
  store = opened;
});

function evaluation(
  release: string,
  at: number,
  extra: Partial<ValueEvaluationRecord> = {},
): Omit<ValueEvaluationRecord, "id"> {
  return {
    environment: "prod",
    featureUri: "features/addition.feature",
    featureName: "Addition",
    statement: "make fewer silly mistakes",
    metric: "silly mistakes",
    release,
    evaluatedAt: at,
    since: at - 600_000,
    until: at,
    verdict: "inconclusive",
    verdictCase: "no baseline",
    baselineRelease: null,
    measurement: { value: 3, exposure: 1000 },
    result: { explanation: "x" },
    ...extra,
  };
}

describe("value evaluations", () => {
  it("stores and lists evaluations newest first, filtered by release and feature", async () => {
    await store.recordValueEvaluation(evaluation("v1", 1000));
    await store.recordValueEvaluation(evaluation("v2", 2000, { featureUri: "features/other.feature" }));
    const all = await store.listValueEvaluations("prod");
    expect(all.map((e) => e.release)).toEqual(["v2", "v1"]);
    expect(all[1]?.measurement).toEqual({ value: 3, exposure: 1000 });
    expect(all[1]?.result).toEqual({ explanation: "x" });
    expect((await store.listValueEvaluations("prod", { release: "v1" })).length).toBe(1);
    expect((await store.listValueEvaluations("prod", { featureUri: "features/other.feature" })).length).toBe(
      1,
    );
    expect(await store.listValueEvaluations("staging")).toEqual([]);
  });

  it("takes the baseline from the release evaluated before this one first appeared", async () => {
    await store.recordValueEvaluation(evaluation("v0", 500));
    await store.recordValueEvaluation(evaluation("v1", 1000));
    await store.recordValueEvaluation(evaluation("v2", 2000));
    // v2 is rolled back: v1 is evaluated again, and still compares with v0, not with v2.
    await store.recordValueEvaluation(evaluation("v1", 3000));
    expect(
      (await store.findValueBaseline({ environment: "prod", metric: "silly mistakes", release: "v2" }))
        ?.release,
    ).toBe("v1");
    expect(
      (await store.findValueBaseline({ environment: "prod", metric: "silly mistakes", release: "v1" }))
        ?.release,
    ).toBe("v0");
    // A release never evaluated compares with the newest other release.
    const fresh = await store.findValueBaseline({
      environment: "prod",
      metric: "silly mistakes",
      release: "v3",
    });
    expect(fresh?.release).toBe("v1");
    expect(fresh?.evaluatedAt).toBe(3000);
  });

  it("honours an explicit baseline release and skips evaluations without a measurement", async () => {
    await store.recordValueEvaluation(evaluation("v1", 1000));
    await store.recordValueEvaluation(evaluation("v1", 1500, { measurement: null, verdict: "inconclusive" }));
    await store.recordValueEvaluation(evaluation("v2", 2000));
    const explicit = await store.findValueBaseline({
      environment: "prod",
      metric: "silly mistakes",
      release: "v2",
      baselineRelease: "v1",
    });
    expect(explicit?.evaluatedAt).toBe(1000);
    expect(
      await store.findValueBaseline({
        environment: "prod",
        metric: "silly mistakes",
        release: "v2",
        baselineRelease: "v9",
      }),
    ).toBeUndefined();
    expect(
      await store.findValueBaseline({ environment: "prod", metric: "other", release: "v2" }),
    ).toBeUndefined();
  });

  it("thins very large sample sets evenly before storing them", async () => {
    const samples = Array.from({ length: MAX_STORED_SAMPLES * 3 }, (_, i) => i);
    await store.recordValueEvaluation(evaluation("v1", 1000, { measurement: { value: 1, samples } }));
    const [stored] = await store.listValueEvaluations("prod");
    expect(stored?.measurement?.samples?.length).toBe(MAX_STORED_SAMPLES);
    expect(stored?.measurement?.samples?.[0]).toBe(0);
    expect(stored?.measurement?.samples?.at(-1)).toBeGreaterThan(MAX_STORED_SAMPLES * 2.9);
  });
});
