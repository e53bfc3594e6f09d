/**
 * Why a statement of the narrative grammar (grammar.ts) is not executable, with rewrites tailored to it:
 * vague verbs, missing bounds and numbers, ambiguous amounts, unknown units. The rewrites are best
 * guesses; parseStatement offers only those that parse.
 */
import { type Cursor, type Quantity, takeMetric } from "./grammar-cursor.js";
import { EXAMPLES, GERUNDS, UNWANTED_OBJECT_VERBS } from "./grammar-lexicon.js";
import type { Assertion } from "./types.js";

export type Failure = { reason: string; suggestions: string[] };
/** What a grammar rule yields: the assertion, or why there is none. */
export type Outcome = Assertion | Failure;
/** What a bound allows: a duration ("respond"), no unit ("make at most 3 mistakes"), or any. */
export type Expect = "any" | "time" | "count";

export const failure = (reason: string, suggestions: readonly string[] = []): Failure => ({
  reason,
  suggestions: [...suggestions],
});
export const isFailure = (value: unknown): value is Failure =>
  typeof value === "object" && value !== null && "reason" in value;

export function notMeasurable(c: Cursor): Failure {
  return failure(`"${c.text()}" is not measurable: state a count, a rate, a change or a latency`, EXAMPLES);
}

/** Words remain after a complete statement: suggests the statement without them. */
export function unexpected(c: Cursor): Failure {
  return failure(`"${c.text(c.position)}" is not understood after "${c.consumed}"`, [c.consumed]);
}

/** "avoid (making) silly mistakes" → "make 0 silly mistakes"; `rewrites` come from VAGUE_VERBS. */
export function vagueVerb(c: Cursor, verb: string, rewrites: readonly string[]): Failure {
  if (GERUNDS.has(c.word() ?? "")) c.position++;
  const metric = takeMetric(c);
  if (metric === "" || !c.done) {
    return failure(`"${verb}" is not measurable: state a bound or a direction`, EXAMPLES);
  }
  return failure(
    `"${verb}" is not measurable: state a bound or a direction for "${metric}"`,
    rewrites.map((r) => r.replace("{metric}", metric)),
  );
}

/** "keep checkout errors low": no comparator after the metric. */
export function noBound(c: Cursor, hasPercentile: boolean): Failure {
  const examples = hasPercentile ? ["below 300 ms"] : ["below 1%", "below 5"];
  return failure(
    `"${c.consumed}" states no bound: say "below", "above", "at most" or "at least" and a number`,
    examples.map((e) => `${c.consumed} ${e}`),
  );
}

/** "respond quickly": no comparator after a latency verb. */
export function noTimeBound(c: Cursor): Failure {
  return failure(`"${c.text()}" states no time bound, e.g. "within 300 ms"`, [`${c.consumed} within 300 ms`]);
}

/** "keep checkout errors below": nothing after the comparator; suggests numbers fit for `expect`. */
export function noBoundNumber(c: Cursor, expect: Expect, hasPercentile: boolean): Failure {
  const examples = expect === "time" || hasPercentile ? ["300 ms"] : ["1%", "5"];
  return failure(
    `a number must follow "${c.consumed}"`,
    examples.map((e) => `${c.consumed} ${e}`),
  );
}

/** "make at most silly mistakes": a comparator and no number before the metric. */
export function noCountNumber(c: Cursor): Failure {
  return failure(`a number must follow "${c.consumed}"`, [c.rewrite(c.position, c.position, "3")]);
}

/** "reduce errors by": no size after "by". */
export function noChangeSize(c: Cursor): Failure {
  return failure(`a size must follow "${c.consumed}", e.g. "by 10%"`, [`${c.consumed} 10%`]);
}

/** "reduce errors by 10": a change sized other than as a percentage. */
export function changeNotPercentage(c: Cursor, { value, from, to }: Quantity): Failure {
  return failure(`a change must be sized as a percentage, e.g. "${value}%"`, [
    c.rewrite(from, to, `${value}%`),
  ]);
}

/** "make no more mistakes", with the cursor after "more": none at all, or fewer? */
export function ambiguousZeroChange(c: Cursor, quantity: Quantity): Failure {
  const ambiguous = c.text(quantity.from, c.position);
  const rewrites = ["0", "fewer"].map((r) => c.rewrite(quantity.from, c.position, r));
  return failure(`"${ambiguous}" is ambiguous: say "0" or "fewer"`, rewrites);
}

/** "make 3 mistakes": at most, or at least? */
export function ambiguousAmount(c: Cursor, quantity: Quantity): Failure {
  const rewrites = ["at most", "at least"].map((o) => c.rewrite(quantity.from, quantity.from, o));
  return failure(
    `"${c.text(quantity.from, quantity.to)}" alone is ambiguous: say "at most" or "at least"`,
    rewrites,
  );
}

/** "make mistakes", "have signups": suggests fewer for what is usually unwanted, more otherwise. */
export function noAmountNorDirection(c: Cursor, verb: string, metric: string, afterVerb: number): Failure {
  const rewrites = UNWANTED_OBJECT_VERBS.has(verb) ? ["fewer", "0"] : ["more", "at least 100"];
  return failure(
    `"${verb} ${metric}" states no amount and no direction: say how many, or "fewer" or "more"`,
    rewrites.map((r) => c.rewrite(afterVerb, afterVerb, r)),
  );
}

/**
 * "respond within 300 parsecs": `unit` is not a unit. `loose` when it is the word after the number
 * (then replaced too) rather than attached to it ("300parsecs").
 */
export function notAUnit(c: Cursor, q: Quantity, unit: string, loose: boolean, expect: Expect): Failure {
  const units = expect === "time" ? [" ms", " s"] : expect === "count" ? [""] : [" ms", ""];
  const rewrites = units.map((u) => c.rewrite(q.from, loose ? q.to + 1 : q.to, `${q.value}${u}`));
  return failure(`"${unit}" is not a unit: use %, ms or s`, rewrites);
}

/** "keep errors below -1%" → "keep errors below 1%". */
export function negativeBound(c: Cursor, { value, unit, from, to }: Quantity): Failure {
  const positive = unit === undefined ? `${-value}` : unit === "%" ? `${-value}%` : `${-value} ${unit}`;
  return failure(`a bound cannot be negative`, [c.rewrite(from, to, positive)]);
}

/** "respond within 300": a latency bound without a time unit. */
export function noTimeUnit(c: Cursor): Failure {
  return failure(`"${c.consumed}" needs a time unit: ms or s`, [`${c.consumed} ms`, `${c.consumed} s`]);
}
