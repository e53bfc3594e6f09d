/**
 * The narrative grammar of executable business value: what follows "In order to" in a feature's
 * description, parsed into an Assertion. Pure and total (it never throws). The rules are here; the word
 * lists and tokenizer in grammar-lexicon.ts, the token cursor and shared readers in grammar-cursor.ts,
 * bounds in grammar-bounds.ts, and the explanations of what is not executable in grammar-suggestions.ts.
 *
 *   statement := filler* (vague | limit | latency | change | scaling | count)
 *   limit     := ("keep" | "hold" | "maintain") [pNN] metric comparator bound
 *   latency   := ("respond" | "load" [object]) ["in"] comparator bound
 *   change    := change-verb [pNN] metric (effect? | ["to"] comparator bound)
 *   scaling   := ("double" | "triple" | "halve") metric
 *   count     := verb comparator N[%] metric [per]  |  verb ("0" | "no" | "zero") metric [per]
 *              | verb N% ["fewer" | "more"] metric  |  verb ("fewer" | "less" | "more") metric effect?
 *   bound     := N ["%" | "ms" | "s"] [per];  per := "per" [N] noun;  effect := "by" ["at least"] N%
 */
import { assertBound, parseBound } from "./grammar-bounds.js";
import {
  Cursor,
  type Quantity,
  seesComparator,
  seesEffect,
  seesQuantity,
  takeMetric,
  takePercentile,
  takeQuantity,
  tidy,
} from "./grammar-cursor.js";
import {
  CHANGE_VERBS,
  CHANGE_WORDS,
  COMPARATORS,
  type Direction,
  EXAMPLES,
  FILLERS,
  LATENCY_VERBS,
  LIMIT_VERBS,
  NOT_ACTIONS,
  SCALING_VERBS,
  tokenize,
  UNITS,
  VAGUE_VERBS,
} from "./grammar-lexicon.js";
import {
  ambiguousAmount,
  ambiguousZeroChange,
  changeNotPercentage,
  type Failure,
  failure,
  isFailure,
  noAmountNorDirection,
  noBound,
  noChangeSize,
  noCountNumber,
  noTimeBound,
  notMeasurable,
  type Outcome,
  unexpected,
  vagueVerb,
} from "./grammar-suggestions.js";
import { normalizePhrase } from "./phrase.js";
import type { Assertion, Comparator, ParsedStatement } from "./types.js";

/** Longer statements are refused unread: one measurable outcome fits in far fewer characters. */
const MAX_LENGTH = 500;
const PREFIX = /^\s*in\s+order\s+to\b\s*/i;

/**
 * Parses the text after "In order to" (the whole line is accepted too) into an Assertion, or explains
 * why it is not executable and suggests executable rewrites, each of which parses. Never throws.
 */
export function parseStatement(text: string): ParsedStatement {
  const statement = cleanStatement(typeof text === "string" ? text : "");
  const outcome = parseSafely(statement);
  if (!isFailure(outcome)) return { ok: true, statement, assertion: outcome };
  const suggestions = [...new Set(outcome.suggestions)].filter(
    (s) => s !== statement && !isFailure(parseSafely(cleanStatement(s))),
  );
  return { ok: false, statement, reason: outcome.reason, suggestions };
}

/**
 * The lines of a feature description that start with "In order to" (case-insensitive, leading
 * whitespace allowed): their 0-based line offset within the description and the text after the prefix.
 */
export function extractValueStatements(description: string | undefined): { line: number; text: string }[] {
  if (typeof description !== "string") return [];
  return description
    .split(/\r\n|\r|\n/)
    .flatMap((line, index) => (PREFIX.test(line) ? [{ line: index, text: cleanStatement(line) }] : []));
}

/** Drops an "In order to" prefix, surrounding whitespace and trailing "." or ",". */
function cleanStatement(text: string): string {
  let statement = text.replace(PREFIX, "").trim();
  while (statement.endsWith(".") || statement.endsWith(",")) statement = statement.slice(0, -1).trimEnd();
  return statement;
}

function parseSafely(statement: string): Outcome {
  try {
    return parseCleanStatement(statement);
  } catch (error) {
    return failure(`the statement could not be read (${String(error)})`, EXAMPLES);
  }
}

/** Reads a cleaned statement: skips fillers, then hands over to the rule its first verb selects. */
function parseCleanStatement(statement: string): Outcome {
  if (statement === "") return failure(`nothing follows "In order to": state a measurable outcome`, EXAMPLES);
  if (statement.length > MAX_LENGTH) {
    return failure(`the statement is longer than ${MAX_LENGTH} characters: state one measurable outcome`);
  }
  const tokens = tokenize(statement);
  const unreadable = tokens.find((t) => t.kind === "unreadable");
  if (unreadable) return failure(`"${unreadable.text}" is neither a word nor a number`, EXAMPLES);
  const c = new Cursor(tokens);
  while (c.sees(FILLERS)) c.takePhrase(FILLERS);
  const verb = c.word();
  if (verb === undefined) return notMeasurable(c);
  c.position++;
  const vague = VAGUE_VERBS.get(verb);
  const latencyMetric = LATENCY_VERBS.get(verb);
  const direction = CHANGE_VERBS.get(verb);
  const scaling = SCALING_VERBS.get(verb);
  if (vague) return vagueVerb(c, verb, vague);
  if (LIMIT_VERBS.has(verb)) return parseLimit(c);
  if (latencyMetric) return parseLatency(c, latencyMetric);
  if (verb === "load") return parseLatency(c, loadMetric(c));
  if (direction) return parseChange(c, direction);
  if (scaling) return complete(c, { kind: "relative", metric: takeMetric(c), ...scaling });
  if (NOT_ACTIONS.has(verb)) return notMeasurable(c);
  return parseCount(c, verb);
}

/** The assertion, if the statement ends here and it names a metric. */
function complete(c: Cursor, assertion: Assertion): Outcome {
  if (assertion.metric === "") return notMeasurable(c);
  return c.done ? assertion : unexpected(c);
}

/** After "keep": "keep [p95] checkout errors below 1%". */
function parseLimit(c: Cursor): Outcome {
  const percentile = takePercentile(c);
  const metric = takeMetric(c, seesComparator);
  if (metric === "") return notMeasurable(c);
  const op = c.takePhrase(COMPARATORS);
  if (op === undefined) return noBound(c, percentile !== undefined);
  return parseBound(c, { metric, op, expect: "any", percentile });
}

/** After "respond" or "load pages": "within 300 ms", "in under 1 s", "in 2 seconds". */
function parseLatency(c: Cursor, metric: string): Outcome {
  const saysIn = c.take("in");
  const op = c.takePhrase(COMPARATORS) ?? (saysIn ? "le" : undefined);
  if (op === undefined) return noTimeBound(c);
  return parseBound(c, { metric, op, expect: "time" });
}

/** "load pages" → "page load time". */
function loadMetric(c: Cursor): string {
  const object = takeMetric(c, (c) => c.word() === "in" || seesComparator(c));
  return object === "" ? "load time" : `${normalizePhrase(object)} load time`;
}

/** After "reduce": "[p95] page load time" and then "by 10%", "to under 2 s", or nothing. */
function parseChange(c: Cursor, direction: Direction): Outcome {
  const percentile = takePercentile(c);
  const toBound = (c: Cursor) => c.word() === "to" && (seesQuantity(c, 1) || seesComparator(c, 1));
  const metric = takeMetric(c, (c) => seesEffect(c) || toBound(c) || seesComparator(c));
  if (metric === "") return notMeasurable(c);
  if (c.take("to") || seesComparator(c)) {
    const op = c.takePhrase(COMPARATORS) ?? (direction === "decrease" ? "le" : "ge");
    return parseBound(c, { metric, op, expect: "any", percentile });
  }
  return parseEffect(c, percentile ? `${percentile.text} ${metric}` : metric, direction);
}

/** A change of `metric` against the baseline, with its optional size: "by [at least] 10%". */
function parseEffect(c: Cursor, metric: string, direction: Direction): Outcome {
  if (!c.take("by")) return complete(c, { kind: "relative", metric, direction });
  if (c.word() === "at" && c.word(1) === "least") c.position += 2;
  const quantity = takeQuantity(c);
  if (!quantity) return noChangeSize(c);
  const effect = changeSize(c, quantity, direction);
  return isFailure(effect) ? effect : complete(c, { kind: "relative", metric, direction, effect });
}

/** The size of a change stated as a percentage, as a fraction. */
function changeSize(c: Cursor, quantity: Quantity, direction: Direction): number | Failure {
  const { value, unit } = quantity;
  if (UNITS.get(unit ?? "")?.kind !== "percent") return changeNotPercentage(c, quantity);
  if (value <= 0) return failure(`a change of ${value}% is no change: state a positive percentage`);
  if (direction === "decrease" && value > 100) return failure(`nothing can decrease by more than 100%`);
  return tidy(value / 100);
}

/**
 * After any other verb, an amount or a direction before the metric: "make at most 3 mistakes",
 * "make no mistakes", "make 20% fewer mistakes", "make fewer mistakes [by 20%]".
 */
function parseCount(c: Cursor, verb: string): Outcome {
  const afterVerb = c.position;
  const op = c.takePhrase(COMPARATORS);
  const quantity = takeQuantity(c);
  if (op !== undefined && quantity === undefined) return noCountNumber(c);
  const change = c.takePhrase(CHANGE_WORDS);
  if (quantity && change) return parseSizedChange(c, op, quantity, change);
  if (change) return parseEffect(c, takeMetric(c, seesEffect), change);
  if (quantity && op === undefined && quantity.value !== 0) return ambiguousAmount(c, quantity);
  if (quantity) {
    const metric = takeMetric(c, (c) => c.word() === "per");
    return assertBound(c, { metric, op: op ?? "eq", expect: "count" }, quantity);
  }
  const metric = takeMetric(c);
  if (metric === "" || !c.done) return notMeasurable(c);
  return noAmountNorDirection(c, verb, metric, afterVerb);
}

/** "make [at least] 20% fewer mistakes", with the cursor after "fewer". */
function parseSizedChange(c: Cursor, op: Comparator | undefined, q: Quantity, change: Direction): Outcome {
  if (q.value === 0) return ambiguousZeroChange(c, q);
  if (op !== undefined && op !== "ge") {
    return failure(`only "at least" can size a change: "at least ${c.text(q.from, c.position)}"`);
  }
  const effect = changeSize(c, q, change);
  if (isFailure(effect)) return effect;
  return complete(c, { kind: "relative", metric: takeMetric(c), direction: change, effect });
}
