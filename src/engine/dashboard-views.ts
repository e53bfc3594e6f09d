import type { ResolvedConfig } from "../config/load-config.js";
import type { ValueEvaluationRecord } from "../store/types.js";
import type { LadderLevelView, VerdictView } from "./control-types.js";

/** A stored verdict for the API: its samples (up to 10,000 numbers) become a count. */
export function verdictView(record: ValueEvaluationRecord): VerdictView {
  const m = record.measurement;
  return {
    ...record,
    measurement:
      m === null
        ? null
        : {
            value: m.value,
            ...(m.exposure === undefined ? {} : { exposure: m.exposure }),
            ...(m.samples === undefined ? {} : { samplesCount: m.samples.length }),
          },
  };
}

/** The ladder as the API and the dashboard show it, most drastic level first. */
export function ladderView(config: Pick<ResolvedConfig, "levels">): LadderLevelView[] {
  return config.levels.map((level) => ({
    name: level.name,
    description: level.description ?? "",
    forEach: level.for_each ?? null,
    approve: level.approve,
    quiescenceMs: level.quiescence ?? null,
    timeoutMs: level.timeout ?? null,
    retries: level.retries,
    fallback: level.fallback !== undefined,
  }));
}
