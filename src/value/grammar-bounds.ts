/**
 * Bounds in the narrative grammar (grammar.ts): the number after a comparator, with its unit and an
 * optional "per N nouns", read into a latency (a time unit), a rate (% or "per") or a count assertion.
 */
import {
  type Cursor,
  type Percentile,
  type Quantity,
  takeMetric,
  takeQuantity,
  tidy,
} from "./grammar-cursor.js";
import { UNITS } from "./grammar-lexicon.js";
import {
  type Expect,
  type Failure,
  failure,
  isFailure,
  negativeBound,
  noBoundNumber,
  noTimeUnit,
  notAUnit,
  notMeasurable,
  type Outcome,
  unexpected,
} from "./grammar-suggestions.js";
import type { Comparator } from "./types.js";

/** What a bound is on, and what the verb allows it to be (see Expect). */
export type Bound = { metric: string; op: Comparator; expect: Expect; percentile?: Percentile };
type Per = { amount: number; noun: string };

/** The number after "keep checkout errors below", and whatever follows it. */
export function parseBound(c: Cursor, bound: Bound): Outcome {
  const quantity = takeQuantity(c);
  if (quantity) return assertBound(c, bound, quantity);
  return noBoundNumber(c, bound.expect, bound.percentile !== undefined);
}

/**
 * The assertion that `bound` is at `q`; the cursor is just after `q` and only a unit word and a "per"
 * may follow. In "make at most 3 mistakes" the number comes before the metric, so the caller reads it.
 */
export function assertBound(c: Cursor, { metric, op, expect, percentile }: Bound, q: Quantity): Outcome {
  if (metric === "") return notMeasurable(c);
  const looseUnit =
    q.unit === undefined && c.peek(1) === undefined && c.word() !== "per" ? c.word() : undefined;
  if (looseUnit !== undefined) return notAUnit(c, q, looseUnit, true, expect);
  const unit = UNITS.get(q.unit ?? "");
  if (q.unit !== undefined && !unit) return notAUnit(c, q, q.unit, false, expect);
  const perAt = c.position;
  const per = takePer(c);
  if (isFailure(per)) return per;
  if (!c.done) return unexpected(c);
  if (percentile && (percentile.value <= 0 || percentile.value > 100)) {
    const rewrite = c.rewrite(percentile.index, percentile.index + 1, "p95");
    return failure(`${percentile.text} is not a percentile: use p1 to p100`, [rewrite]);
  }
  if (percentile && unit?.kind !== "time") {
    const rewrite = c.rewrite(percentile.index, percentile.index + 1, "");
    return failure(`a percentile (${percentile.text}) needs a bound in ms or s`, [rewrite]);
  }
  if (q.value < 0) return negativeBound(c, q);
  if (per && unit) return failure(`"per" cannot follow "${c.text(q.from, q.to)}"`, [c.text(0, perAt)]);
  if (unit?.kind === "time") {
    if (expect === "count") return failure(`a duration cannot bound "${metric}"`);
    const assertion = { kind: "latency", metric, op, boundMs: tidy(q.value * unit.ms) } as const;
    return percentile ? { ...assertion, percentile: percentile.value } : assertion;
  }
  if (expect === "time") return noTimeUnit(c);
  if (unit?.kind === "percent") {
    if (q.value > 100) return failure(`${q.value}% is not a rate: use 0% to 100%`);
    return { kind: "rate", metric, op, bound: tidy(q.value / 100) };
  }
  if (per) return { kind: "rate", metric, op, bound: tidy(q.value / per.amount), per };
  return { kind: "count", metric, op, bound: q.value };
}

/** "per 1000 sums" → {amount: 1000, noun: "sums"}; "per sum" → {amount: 1, noun: "sum"}. */
function takePer(c: Cursor): Per | Failure | undefined {
  if (!c.take("per")) return undefined;
  const amount = takeQuantity(c);
  const noun = takeMetric(c);
  if ((amount && (amount.unit !== undefined || amount.value <= 0)) || noun === "") {
    return failure(`"per" needs a positive number and a noun, e.g. "per 1000 sums"`);
  }
  return { amount: amount?.value ?? 1, noun };
}
