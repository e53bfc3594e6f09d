/**
 * The narrative grammar of executable business value: what follows "In order to" in a feature's
 * description, parsed into an Assertion. Pure and total (it never throws); the whole grammar lives here
 * and in the word lists of grammar-lexicon.ts.
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
import {
  CHANGE_VERBS,
  CHANGE_WORDS,
  COMPARATORS,
  DETERMINERS,
  type Direction,
  EXAMPLES,
  FILLERS,
  GERUNDS,
  LATENCY_VERBS,
  LIMIT_VERBS,
  NOT_ACTIONS,
  NUMBER_WORDS,
  type Phrase,
  SCALING_VERBS,
  type Token,
  tokenize,
  UNITS,
  UNWANTED_OBJECT_VERBS,
  VAGUE_VERBS,
} from "./grammar-lexicon.js";
import { normalizePhrase } from "./phrase.js";
import type { Assertion, Comparator, ParsedStatement } from "./types.js";

/** Longer statements are refused unread: one measurable outcome fits in far fewer characters. */
const MAX_LENGTH = 500;
const PREFIX = /^\s*in\s+order\s+to\b\s*/i;

/** A number and its unit, read from tokens [from, to) (kept for rewording suggestions). */
type Quantity = { value: number; unit?: string; from: number; to: number };
type Percentile = { value: number; index: number; text: string };
type Per = { amount: number; noun: string };
type Failure = { reason: string; suggestions: string[] };
type Outcome = Assertion | Failure;
/** What a bound is on; `expect` is what the verb allows: a duration ("respond"), none ("make"), any. */
type Bound = { metric: string; op: Comparator; expect: "any" | "time" | "count"; percentile?: Percentile };

const failure = (reason: string, suggestions: readonly string[] = []): Failure => ({
  reason,
  suggestions: [...suggestions],
});
const isFailure = (value: unknown): value is Failure =>
  typeof value === "object" && value !== null && "reason" in value;
/** Rounds away binary noise: 1.1 / 100 is 0.011, not 0.011000000000000001. */
const tidy = (x: number): number => Number(x.toPrecision(12));

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
    return parseClean(statement);
  } catch (error) {
    return failure(`the statement could not be read (${String(error)})`, EXAMPLES);
  }
}

const textOf = (tokens: readonly Token[]): string => tokens.map((t) => t.text).join(" ");

/** A position in the tokens of a statement, with the look-ahead the grammar needs. */
class Cursor {
  position = 0;
  constructor(readonly tokens: readonly Token[]) {}

  get done(): boolean {
    return this.position >= this.tokens.length;
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }
  word(offset = 0): string | undefined {
    const token = this.peek(offset);
    return token?.kind === "word" ? token.text : undefined;
  }
  /** Consumes `word` if it comes next. */
  take(word: string): boolean {
    if (this.word() !== word) return false;
    this.position++;
    return true;
  }
  /** The meaning of the longest phrase of `table` starting `offset` tokens ahead, if any. */
  sees<T>(table: readonly Phrase<T>[], offset = 0): T | undefined {
    return table.find((p) => p.words.every((w, i) => this.word(offset + i) === w))?.meaning;
  }
  /** Consumes the longest phrase of `table` that comes next and returns its meaning. */
  takePhrase<T>(table: readonly Phrase<T>[]): T | undefined {
    const phrase = table.find((p) => p.words.every((w, i) => this.word(i) === w));
    if (phrase) this.position += phrase.words.length;
    return phrase?.meaning;
  }
  /** The text of tokens [from, to). */
  text(from = 0, to = this.tokens.length): string {
    return textOf(this.tokens.slice(from, to));
  }
  /** The statement read so far. */
  get consumed(): string {
    return this.text(0, this.position);
  }
  /** The statement with tokens [from, to) replaced by `text`, for suggestions. */
  rewrite(from: number, to: number, text: string): string {
    return [this.text(0, from), text, this.text(to)].filter(Boolean).join(" ");
  }
}

function takeQuantity(c: Cursor): Quantity | undefined {
  const from = c.position;
  const token = c.peek();
  const value = token?.kind === "number" ? token.value : NUMBER_WORDS.get(c.word() ?? "");
  if (value === undefined) return undefined;
  c.position++;
  return { value, unit: token?.kind === "number" ? token.unit : undefined, from, to: c.position };
}

const seesQuantity = (c: Cursor, offset: number) =>
  c.peek(offset)?.kind === "number" || NUMBER_WORDS.has(c.word(offset) ?? "");
const seesComparator = (c: Cursor, offset = 0) => c.sees(COMPARATORS, offset) !== undefined;
/** "by 10%" or "by at least 5%" comes next (and not "errors caused by bots"). */
const seesEffect = (c: Cursor) => c.word() === "by" && (seesQuantity(c, 1) || c.word(1) === "at");

function takePercentile(c: Cursor): Percentile | undefined {
  c.take("the");
  const token = c.peek();
  if (token?.kind !== "percentile") return undefined;
  return { value: token.value, index: c.position++, text: token.text };
}

/** A noun phrase up to `stop` or the end: words, bare numbers ("404 errors"), percentiles; no "the". */
function takeMetric(c: Cursor, stop: (c: Cursor) => boolean = () => false): string {
  const words: string[] = [];
  let hasWord = false;
  for (let t = c.peek(); t !== undefined && !stop(c); t = c.peek()) {
    if (t.kind === "unreadable" || (t.kind === "number" && t.unit !== undefined)) break;
    if (t.kind === "word" && (hasWord || !DETERMINERS.has(t.text))) hasWord = true;
    if (hasWord || t.kind !== "word") words.push(t.text);
    c.position++;
  }
  return hasWord ? words.join(" ") : "";
}

function parseClean(statement: string): Outcome {
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
  if (vague) return parseVague(c, verb, vague);
  if (LIMIT_VERBS.has(verb)) return parseLimit(c);
  if (latencyMetric) return parseLatency(c, latencyMetric);
  if (verb === "load") return parseLatency(c, loadMetric(c));
  if (direction) return parseChange(c, direction);
  if (scaling) return finish(c, { kind: "relative", metric: takeMetric(c), ...scaling });
  if (NOT_ACTIONS.has(verb)) return notMeasurable(c);
  return parseCount(c, verb);
}

function notMeasurable(c: Cursor): Failure {
  return failure(`"${c.text()}" is not measurable: state a count, a rate, a change or a latency`, EXAMPLES);
}

function unexpected(c: Cursor): Failure {
  return failure(`"${c.text(c.position)}" is not understood after "${c.consumed}"`, [c.consumed]);
}

/** The assertion, if the statement ends here and it names a metric. */
function finish(c: Cursor, assertion: Assertion): Outcome {
  if (assertion.metric === "") return notMeasurable(c);
  return c.done ? assertion : unexpected(c);
}

function parseVague(c: Cursor, verb: string, rewrites: readonly string[]): Outcome {
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

function parseLimit(c: Cursor): Outcome {
  const percentile = takePercentile(c);
  const metric = takeMetric(c, seesComparator);
  if (metric === "") return notMeasurable(c);
  const op = c.takePhrase(COMPARATORS);
  if (op === undefined) {
    const examples = percentile ? ["below 300 ms"] : ["below 1%", "below 5"];
    return failure(
      `"${c.consumed}" states no bound: say "below", "above", "at most" or "at least" and a number`,
      examples.map((e) => `${c.consumed} ${e}`),
    );
  }
  return parseBound(c, { metric, op, expect: "any", percentile });
}

function parseLatency(c: Cursor, metric: string): Outcome {
  const saysIn = c.take("in");
  const op = c.takePhrase(COMPARATORS) ?? (saysIn ? "le" : undefined);
  if (op === undefined) {
    const stem = c.text(0, c.position - (saysIn ? 1 : 0));
    return failure(`"${c.text()}" states no time bound, e.g. "within 300 ms"`, [`${stem} within 300 ms`]);
  }
  return parseBound(c, { metric, op, expect: "time" });
}

/** "load pages" → "page load time". */
function loadMetric(c: Cursor): string {
  const object = takeMetric(c, (c) => c.word() === "in" || seesComparator(c));
  return object === "" ? "load time" : `${normalizePhrase(object)} load time`;
}

function parseChange(c: Cursor, direction: Direction): Outcome {
  const percentile = takePercentile(c);
  const toBound = (c: Cursor) => c.word() === "to" && (seesQuantity(c, 1) || seesComparator(c, 1));
  const metric = takeMetric(c, (c) => seesEffect(c) || toBound(c) || seesComparator(c));
  if (metric === "") return notMeasurable(c);
  if (c.take("to") || seesComparator(c)) {
    const op = c.takePhrase(COMPARATORS) ?? (direction === "decrease" ? "le" : "ge");
    return parseBound(c, { metric, op, expect: "any", percentile });
  }
  return parseRelative(c, percentile ? `${percentile.text} ${metric}` : metric, direction);
}

function parseRelative(c: Cursor, metric: string, direction: Direction): Outcome {
  if (!c.take("by")) return finish(c, { kind: "relative", metric, direction });
  if (c.word() === "at" && c.word(1) === "least") c.position += 2;
  const quantity = takeQuantity(c);
  if (!quantity) return failure(`a size must follow "${c.consumed}", e.g. "by 10%"`, [`${c.consumed} 10%`]);
  const effect = changeEffect(c, quantity, direction);
  return isFailure(effect) ? effect : finish(c, { kind: "relative", metric, direction, effect });
}

/** The size of a change stated as a percentage, as a fraction. */
function changeEffect(c: Cursor, quantity: Quantity, direction: Direction): number | Failure {
  const { value, unit, from, to } = quantity;
  if (UNITS.get(unit ?? "")?.kind !== "percent") {
    return failure(`a change must be sized as a percentage, e.g. "${value}%"`, [
      c.rewrite(from, to, `${value}%`),
    ]);
  }
  if (value <= 0) return failure(`a change of ${value}% is no change: state a positive percentage`);
  if (direction === "decrease" && value > 100) return failure(`nothing can decrease by more than 100%`);
  return tidy(value / 100);
}

function parseCount(c: Cursor, verb: string): Outcome {
  const afterVerb = c.position;
  const op = c.takePhrase(COMPARATORS);
  const quantity = takeQuantity(c);
  if (op !== undefined && quantity === undefined) {
    return failure(`a number must follow "${c.consumed}"`, [c.rewrite(c.position, c.position, "3")]);
  }
  const change = c.takePhrase(CHANGE_WORDS);
  if (quantity?.value === 0 && change) {
    const ambiguous = c.text(quantity.from, c.position);
    const rewrites = ["0", "fewer"].map((r) => c.rewrite(quantity.from, c.position, r));
    return failure(`"${ambiguous}" is ambiguous: say "0" or "fewer"`, rewrites);
  }
  if (quantity && change) {
    if (op !== undefined && op !== "ge") {
      return failure(`only "at least" can size a change: "at least ${c.text(quantity.from, c.position)}"`);
    }
    const effect = changeEffect(c, quantity, change);
    return isFailure(effect)
      ? effect
      : finish(c, { kind: "relative", metric: takeMetric(c), direction: change, effect });
  }
  if (change) return parseRelative(c, takeMetric(c, seesEffect), change);
  if (quantity && op === undefined && quantity.value !== 0) {
    const rewrites = ["at most", "at least"].map((o) => c.rewrite(quantity.from, quantity.from, o));
    return failure(
      `"${c.text(quantity.from, quantity.to)}" alone is ambiguous: say "at most" or "at least"`,
      rewrites,
    );
  }
  if (quantity) {
    const metric = takeMetric(c, (c) => c.word() === "per");
    return finishBound(c, { metric, op: op ?? "eq", expect: "count" }, quantity);
  }
  const metric = takeMetric(c);
  if (metric === "" || !c.done) return notMeasurable(c);
  const rewrites = UNWANTED_OBJECT_VERBS.has(verb) ? ["fewer", "0"] : ["more", "at least 100"];
  return failure(
    `"${verb} ${metric}" states no amount and no direction: say how many, or "fewer" or "more"`,
    rewrites.map((r) => c.rewrite(afterVerb, afterVerb, r)),
  );
}

/**
 * The bound after a comparator: a number, its unit, and an optional "per N nouns". In "make at most 3
 * mistakes" the number comes before the metric, so the caller reads it and calls finishBound.
 */
function parseBound(c: Cursor, bound: Bound): Outcome {
  const quantity = takeQuantity(c);
  if (quantity) return finishBound(c, bound, quantity);
  const examples = bound.expect === "time" || bound.percentile ? ["300 ms"] : ["1%", "5"];
  return failure(
    `a number must follow "${c.consumed}"`,
    examples.map((e) => `${c.consumed} ${e}`),
  );
}

function finishBound(c: Cursor, { metric, op, expect, percentile }: Bound, q: Quantity): Outcome {
  if (metric === "") return notMeasurable(c);
  const looseUnit =
    q.unit === undefined && c.peek(1) === undefined && c.word() !== "per" ? c.word() : undefined;
  const unit = UNITS.get(q.unit ?? "");
  if (looseUnit !== undefined || (q.unit !== undefined && !unit)) {
    const units = expect === "time" ? [" ms", " s"] : expect === "count" ? [""] : [" ms", ""];
    const rewrites = units.map((u) => c.rewrite(q.from, looseUnit ? q.to + 1 : q.to, `${q.value}${u}`));
    return failure(`"${looseUnit ?? q.unit}" is not a unit: use %, ms or s`, rewrites);
  }
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
  if (q.value < 0) {
    return failure(`a bound cannot be negative`, [c.rewrite(q.from, q.to, formatQuantity(-q.value, q.unit))]);
  }
  if (per && unit) return failure(`"per" cannot follow "${c.text(q.from, q.to)}"`, [c.text(0, perAt)]);
  if (unit?.kind === "time") {
    if (expect === "count") return failure(`a duration cannot bound "${metric}"`);
    const assertion = { kind: "latency", metric, op, boundMs: tidy(q.value * unit.ms) } as const;
    return percentile ? { ...assertion, percentile: percentile.value } : assertion;
  }
  if (expect === "time") {
    return failure(`"${c.consumed}" needs a time unit: ms or s`, [`${c.consumed} ms`, `${c.consumed} s`]);
  }
  if (unit?.kind === "percent") {
    if (q.value > 100) return failure(`${q.value}% is not a rate: use 0% to 100%`);
    return { kind: "rate", metric, op, bound: tidy(q.value / 100) };
  }
  if (per) return { kind: "rate", metric, op, bound: tidy(q.value / per.amount), per };
  return { kind: "count", metric, op, bound: q.value };
}

const formatQuantity = (value: number, unit: string | undefined): string =>
  unit === undefined ? `${value}` : unit === "%" ? `${value}%` : `${value} ${unit}`;

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
