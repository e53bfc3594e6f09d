/**
 * The cursor the narrative grammar (grammar.ts) reads a statement's tokens with, and the readers its
 * rules share: a quantity ("3", "1%", "five percent"), a percentile ("p95") and a metric (a noun phrase).
 */
import { COMPARATORS, DETERMINERS, NUMBER_WORDS, type Phrase, type Token, UNITS } from "./grammar-lexicon.js";

/** A number and its unit, read from tokens [from, to) (kept for rewording suggestions). */
export type Quantity = { value: number; unit?: string; from: number; to: number };
/** A percentile and the index of its token (kept for rewording suggestions). */
export type Percentile = { value: number; index: number; text: string };

/** Rounds away binary noise: 1.1 / 100 is 0.011, not 0.011000000000000001. */
export const tidy = (x: number): number => Number(x.toPrecision(12));

const textOf = (tokens: readonly Token[]): string => tokens.map((t) => t.text).join(" ");

/** A position in the tokens of a statement, with the look-ahead the grammar needs. */
export class Cursor {
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

/** Number words that read as "not any" rather than as a numeral, so take no unit: "make no minutes late". */
const NOT_ANY: ReadonlySet<string> = new Set(["no", "none"]);

/**
 * A number ("3", "1%", "300 ms") or a number word ("ten"); a unit word after a number word belongs to
 * it ("five percent", "two seconds"), as the tokenizer attaches one after digits.
 */
export function takeQuantity(c: Cursor): Quantity | undefined {
  const from = c.position;
  const token = c.peek();
  if (token?.kind === "number") {
    c.position++;
    return { value: token.value, unit: token.unit, from, to: c.position };
  }
  const word = c.word() ?? "";
  const value = NUMBER_WORDS.get(word);
  if (value === undefined) return undefined;
  c.position++;
  const unit = NOT_ANY.has(word) ? undefined : c.word();
  if (unit === undefined || !UNITS.has(unit)) return { value, from, to: c.position };
  c.position++;
  return { value, unit, from, to: c.position };
}

export const seesQuantity = (c: Cursor, offset: number) =>
  c.peek(offset)?.kind === "number" || NUMBER_WORDS.has(c.word(offset) ?? "");
export const seesComparator = (c: Cursor, offset = 0) => c.sees(COMPARATORS, offset) !== undefined;
/** "by 10%" or "by at least 5%" comes next (and not "errors caused by bots"). */
export const seesEffect = (c: Cursor) => c.word() === "by" && (seesQuantity(c, 1) || c.word(1) === "at");

/** A percentile, alone or after a determiner: "p95", "the p95", "our p95". */
export function takePercentile(c: Cursor): Percentile | undefined {
  const skip = DETERMINERS.has(c.word() ?? "") ? 1 : 0;
  const token = c.peek(skip);
  if (token?.kind !== "percentile") return undefined;
  c.position += skip;
  return { value: token.value, index: c.position++, text: token.text };
}

/** A noun phrase up to `stop` or the end: words, bare numbers ("404 errors"), percentiles; no "the". */
export function takeMetric(c: Cursor, stop: (c: Cursor) => boolean = () => false): string {
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
