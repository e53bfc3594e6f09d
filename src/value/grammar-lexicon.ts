/**
 * The lexicon of the narrative grammar (grammar.ts): word lists (fillers, verbs, comparator phrases,
 * units, number words) and the tokenizer that reads a statement into words, numbers with units and
 * percentiles. Every entry is lower case; a multi-word phrase is written with single spaces.
 */
import type { Comparator } from "./types.js";

/** A phrase of one or more words and what it means. */
export interface Phrase<T> {
  readonly words: readonly string[];
  readonly meaning: T;
}

/** A phrase table from `meaning → phrases`, longest phrases first so that they win over their prefixes. */
function phrases<T extends string>(table: Record<T, readonly string[]>): readonly Phrase<T>[] {
  const entries = Object.entries(table) as [T, readonly string[]][];
  return entries
    .flatMap(([meaning, list]) => list.map((phrase) => ({ words: phrase.split(" "), meaning })))
    .sort((a, b) => b.words.length - a.words.length);
}

/** Leading words that add nothing: "In order to always respond within 300 ms". */
export const FILLERS = phrases({
  filler: ["be able to", "help us to", "help us", "continue to", "always"],
});

/** Comparator phrases, as in "keep errors below 1%" or "make at most 3 mistakes". */
export const COMPARATORS = phrases<Comparator>({
  lt: ["below", "under", "beneath", "less than", "fewer than", "lower than"],
  le: [
    "at most",
    "no more than",
    "not more than",
    "no higher than",
    "not above",
    "up to",
    "within",
    "at or below",
  ],
  eq: ["exactly"],
  ge: ["at least", "no less than", "no fewer than", "not less than", "not below", "at or above"],
  gt: ["above", "over", "more than", "greater than", "higher than"],
});

export type Direction = "decrease" | "increase";

/** Words stating a change against the baseline: "make fewer mistakes", "sell more widgets". */
export const CHANGE_WORDS = phrases<Direction>({
  decrease: ["fewer", "less", "lower"],
  increase: ["more", "higher"],
});

/** Verbs that state a change themselves: "reduce checkout errors", "grow signups". */
export const CHANGE_VERBS: ReadonlyMap<string, Direction> = new Map<string, Direction>([
  ...["reduce", "decrease", "lower", "cut", "shrink", "lessen"].map((v) => [v, "decrease"] as const),
  ...["increase", "raise", "grow", "boost", "lift"].map((v) => [v, "increase"] as const),
]);

/** Verbs that state a change and its size: "double signups" is an increase by 100%. */
export const SCALING_VERBS: ReadonlyMap<string, { direction: Direction; effect: number }> = new Map([
  ["double", { direction: "increase", effect: 1 }],
  ["triple", { direction: "increase", effect: 2 }],
  ["halve", { direction: "decrease", effect: 0.5 }],
]);

/** Verbs that bound a metric: "keep checkout errors below 1%". */
export const LIMIT_VERBS: ReadonlySet<string> = new Set(["keep", "hold", "maintain"]);

/** Verbs that bound a latency, with the metric they name: "respond within 300 ms". */
export const LATENCY_VERBS: ReadonlyMap<string, string> = new Map([
  ["respond", "response time"],
  ["reply", "response time"],
  ["answer", "response time"],
]);

/**
 * Verbs that sound like goals but bound nothing, with executable rewrites to suggest ("{metric}" is the
 * object of the verb): "avoid silly mistakes" → "make 0 silly mistakes".
 */
const vague = (verbs: readonly string[], rewrites: readonly string[]) =>
  verbs.map((verb): [string, readonly string[]] => [verb, rewrites]);
export const VAGUE_VERBS: ReadonlyMap<string, readonly string[]> = new Map([
  ...vague(["avoid", "prevent", "eliminate"], ["make 0 {metric}", "make fewer {metric}"]),
  ...vague(
    ["minimise", "minimize"],
    ["make fewer {metric}", "reduce {metric} by 10%", "keep {metric} below 5"],
  ),
  ...vague(["maximise", "maximize"], ["have more {metric}", "increase {metric} by 10%"]),
  ...vague(["improve", "optimise", "optimize", "enhance"], ["increase {metric}", "reduce {metric}"]),
]);

/** Gerunds dropped after a vague verb: "avoid making silly mistakes" suggests "make 0 silly mistakes". */
export const GERUNDS: ReadonlySet<string> = new Set(["making", "having", "getting", "seeing", "causing"]);

/** Verbs of being and feeling, which state no measurable outcome: "be happy". */
export const NOT_ACTIONS: ReadonlySet<string> = new Set(["be", "feel", "become", "seem", "look", "know"]);

/** Verbs whose objects are usually unwanted, so a rewrite suggests fewer rather than more. */
export const UNWANTED_OBJECT_VERBS: ReadonlySet<string> = new Set([
  "make",
  "see",
  "cause",
  "produce",
  "suffer",
  "incur",
  "hit",
  "introduce",
]);

/** A unit after a number: a percentage, or a duration with its length in ms. */
export type Unit = { kind: "percent" } | { kind: "time"; ms: number };

const percent: Unit = { kind: "percent" };
const timeUnit = (ms: number, names: readonly string[]) =>
  names.map((n) => [n, { kind: "time", ms }] as const);

/** Units, written after a number with or without a space: "1%", "300 ms", "0.5s", "2 seconds". */
export const UNITS: ReadonlyMap<string, Unit> = new Map<string, Unit>([
  ["%", percent],
  ["percent", percent],
  ...timeUnit(1, ["ms", "msec", "msecs", "millisecond", "milliseconds"]),
  ...timeUnit(1000, ["s", "sec", "secs", "second", "seconds"]),
  ...timeUnit(60_000, ["min", "mins", "minute", "minutes"]),
]);

/** Numbers written as words: "make no silly mistakes", "have at least ten orders". */
export const NUMBER_WORDS: ReadonlyMap<string, number> = new Map(
  [
    ["zero", "no", "none"],
    ["one"],
    ["two"],
    ["three"],
    ["four"],
    ["five"],
    ["six"],
    ["seven"],
    ["eight"],
    ["nine"],
    ["ten"],
  ].flatMap((words, value) => words.map((w) => [w, value] as const)),
);

/** Words dropped from the start of a metric: "keep the checkout error rate below 1%". */
export const DETERMINERS: ReadonlySet<string> = new Set(["the", "our", "their", "its", "my", "your"]);

/** Executable statements offered when nothing better can be suggested. */
export const EXAMPLES: readonly string[] = [
  "make fewer silly mistakes",
  "keep checkout errors below 1%",
  "respond within 300 ms",
];

/** A word, a number with the unit written after it ("1%", "300 ms"), a percentile ("p95"), or neither. */
export type Token =
  | { kind: "word"; text: string }
  | { kind: "number"; text: string; value: number; unit?: string }
  | { kind: "percentile"; text: string; value: number }
  | { kind: "unreadable"; text: string };

const NUMBER = /^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)([\p{L}%]*)$/u;
const PERCENTILE = /^p(\d+(?:\.\d+)?)$/;
const WORD = /^\p{L}[\p{L}\p{M}\p{N}'’-]*$/u;

/** Splits a statement into lower-case words, numbers (with an attached or following unit) and percentiles. */
export function tokenize(statement: string): Token[] {
  const tokens: Token[] = [];
  for (const text of statement.toLowerCase().split(/\s+/)) {
    const previous = tokens.at(-1);
    const number = NUMBER.exec(text);
    const percentile = PERCENTILE.exec(text);
    if (number) {
      const value = Number(number[1]?.replaceAll(",", ""));
      if (Number.isFinite(value)) tokens.push({ kind: "number", text, value, unit: number[2] || undefined });
      else tokens.push({ kind: "unreadable", text });
    } else if (previous?.kind === "number" && previous.unit === undefined && UNITS.has(text)) {
      previous.unit = text;
      previous.text += ` ${text}`;
    } else if (percentile) tokens.push({ kind: "percentile", text, value: Number(percentile[1]) });
    else if (WORD.test(text)) tokens.push({ kind: "word", text });
    else if (text !== "") tokens.push({ kind: "unreadable", text });
  }
  return tokens;
}
