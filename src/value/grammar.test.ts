import { describe, expect, it } from "vitest";
import { extractValueStatements, parseStatement } from "./grammar.js";
import {
  CHANGE_VERBS,
  CHANGE_WORDS,
  COMPARATORS,
  FILLERS,
  LATENCY_VERBS,
  LIMIT_VERBS,
  NUMBER_WORDS,
  SCALING_VERBS,
  UNITS,
  VAGUE_VERBS,
} from "./grammar-lexicon.js";
import type { Assertion, ParsedStatement } from "./types.js";

function assertionOf(text: string): Assertion | string {
  const parsed = parseStatement(text);
  return parsed.ok ? parsed.assertion : `not ok: ${parsed.reason}`;
}

function failureOf(text: string): Extract<ParsedStatement, { ok: false }> {
  const parsed = parseStatement(text);
  if (parsed.ok) throw new Error(`"${text}" parsed as ${JSON.stringify(parsed.assertion)}`);
  return parsed;
}

const count = (metric: string, op: string, bound: number) => ({ kind: "count", metric, op, bound });
const rate = (metric: string, op: string, bound: number) => ({ kind: "rate", metric, op, bound });
const relative = (metric: string, direction: string, effect?: number) =>
  effect === undefined
    ? { kind: "relative", metric, direction }
    : { kind: "relative", metric, direction, effect };
const latency = (metric: string, op: string, boundMs: number, percentile?: number) =>
  percentile === undefined
    ? { kind: "latency", metric, op, boundMs }
    : { kind: "latency", metric, op, boundMs, percentile };

describe("parseStatement: counts", () => {
  it.each([
    ["make 0 silly mistakes", count("silly mistakes", "eq", 0)],
    ["make no silly mistakes", count("silly mistakes", "eq", 0)],
    ["make zero silly mistakes", count("silly mistakes", "eq", 0)],
    ["make none silly mistakes", count("silly mistakes", "eq", 0)],
    ["make at most 3 silly mistakes", count("silly mistakes", "le", 3)],
    ["make fewer than 3 silly mistakes", count("silly mistakes", "lt", 3)],
    ["make no more than 3 silly mistakes", count("silly mistakes", "le", 3)],
    ["make less than three silly mistakes", count("silly mistakes", "lt", 3)],
    ["have at least 500 signups", count("signups", "ge", 500)],
    ["have more than 500 signups", count("signups", "gt", 500)],
    ["have no fewer than 1,000 signups", count("signups", "ge", 1000)],
    ["get at least 10 orders", count("orders", "ge", 10)],
    ["get at least ten orders", count("orders", "ge", 10)],
    ["sell exactly 12 widgets", count("widgets", "eq", 12)],
    ["make at most 3   Silly   Mistakes", count("silly mistakes", "le", 3)],
    ["make fewer than 3 404 errors", count("404 errors", "lt", 3)],
    ["onboard at least 10 teams", count("teams", "ge", 10)],
    ["keep checkout errors below 5", count("checkout errors", "lt", 5)],
    ["hold checkout errors under 5", count("checkout errors", "lt", 5)],
    ["maintain signups at or above 100", count("signups", "ge", 100)],
    ["keep the checkout errors at most 12,500", count("checkout errors", "le", 12500)],
    ["reduce checkout errors to 0", count("checkout errors", "le", 0)],
    ["make no minutes late", count("minutes late", "eq", 0)],
  ])("%s", (text, expected) => {
    expect(assertionOf(text)).toStrictEqual(expected);
  });
});

describe("parseStatement: rates", () => {
  it.each([
    ["keep checkout errors below 1%", rate("checkout errors", "lt", 0.01)],
    ["keep checkout errors under 1%", rate("checkout errors", "lt", 0.01)],
    ["keep checkout errors at most 1%", rate("checkout errors", "le", 0.01)],
    ["keep checkout errors no more than 1 %", rate("checkout errors", "le", 0.01)],
    ["keep conversion above 2.5%", rate("conversion", "gt", 0.025)],
    ["keep conversion over 2.5 percent", rate("conversion", "gt", 0.025)],
    ["keep conversion at least 1.1%", rate("conversion", "ge", 0.011)],
    ["keep conversion at least 0%", rate("conversion", "ge", 0)],
    ["reduce checkout errors below 1%", rate("checkout errors", "lt", 0.01)],
    ["make at most 3% failed payments", rate("failed payments", "le", 0.03)],
    ["keep checkout errors below five percent", rate("checkout errors", "lt", 0.05)],
  ])("%s", (text, expected) => {
    expect(assertionOf(text)).toStrictEqual(expected);
  });

  it.each([
    ["make at most 3 silly mistakes per 1000 sums", "silly mistakes", "le", 0.003, 1000, "sums"],
    ["make at most 3 silly mistakes per 1,000 sums", "silly mistakes", "le", 0.003, 1000, "sums"],
    ["make fewer than 1 silly mistake per sum", "silly mistake", "lt", 1, 1, "sum"],
    ["make no silly mistakes per 100 sums", "silly mistakes", "eq", 0, 100, "sums"],
    ["keep checkout errors below 5 per 1000 checkouts", "checkout errors", "lt", 0.005, 1000, "checkouts"],
  ])("%s", (text, metric, op, bound, amount, noun) => {
    expect(assertionOf(text)).toStrictEqual({ kind: "rate", metric, op, bound, per: { amount, noun } });
  });
});

describe("parseStatement: changes against the baseline", () => {
  it.each([
    ["make fewer silly mistakes", relative("silly mistakes", "decrease")],
    ["sell more widgets", relative("widgets", "increase")],
    ["have more signups", relative("signups", "increase")],
    ["get more orders", relative("orders", "increase")],
    ["make less waste", relative("waste", "decrease")],
    ["see fewer errors", relative("errors", "decrease")],
    ["see lower churn", relative("churn", "decrease")],
    ["reduce checkout errors", relative("checkout errors", "decrease")],
    ["increase conversions", relative("conversions", "increase")],
    ["decrease churn", relative("churn", "decrease")],
    ["lower page load time", relative("page load time", "decrease")],
    ["raise revenue", relative("revenue", "increase")],
    ["grow signups", relative("signups", "increase")],
    ["cut costs", relative("costs", "decrease")],
    ["reduce the time to first byte", relative("time to first byte", "decrease")],
    ["reduce errors caused by bots by 10%", relative("errors caused by bots", "decrease", 0.1)],
    ["reduce page load time by 10%", relative("page load time", "decrease", 0.1)],
    ["reduce p95 page load time by 10%", relative("p95 page load time", "decrease", 0.1)],
    ["increase conversions by at least 5%", relative("conversions", "increase", 0.05)],
    ["increase conversions by 150%", relative("conversions", "increase", 1.5)],
    ["make 20% fewer silly mistakes", relative("silly mistakes", "decrease", 0.2)],
    ["make at least 20% fewer silly mistakes", relative("silly mistakes", "decrease", 0.2)],
    ["sell 10% more widgets", relative("widgets", "increase", 0.1)],
    ["make fewer silly mistakes by 30%", relative("silly mistakes", "decrease", 0.3)],
    ["double signups", relative("signups", "increase", 1)],
    ["halve checkout errors", relative("checkout errors", "decrease", 0.5)],
    ["increase conversions by ten percent", relative("conversions", "increase", 0.1)],
  ])("%s", (text, expected) => {
    expect(assertionOf(text)).toStrictEqual(expected);
  });
});

describe("parseStatement: latencies", () => {
  it.each([
    ["respond within 300 ms", latency("response time", "le", 300)],
    ["respond within 300ms", latency("response time", "le", 300)],
    ["respond in under 1 s", latency("response time", "lt", 1000)],
    ["respond within 0.5s", latency("response time", "le", 500)],
    ["respond in 2 seconds", latency("response time", "le", 2000)],
    ["respond in less than 1 sec", latency("response time", "lt", 1000)],
    ["respond within 250 milliseconds", latency("response time", "le", 250)],
    ["keep p95 page load time below 300 ms", latency("page load time", "lt", 300, 95)],
    ["keep p99.9 checkout latency under 1s", latency("checkout latency", "lt", 1000, 99.9)],
    ["keep the p100 checkout latency under 1s", latency("checkout latency", "lt", 1000, 100)],
    ["keep page load time below 300ms", latency("page load time", "lt", 300)],
    ["reduce p95 page load time to under 2 s", latency("page load time", "lt", 2000, 95)],
    ["load pages within 2 s", latency("page load time", "le", 2000)],
    ["load the checkout page in under 1.5 s", latency("checkout page load time", "lt", 1500)],
    ["respond within two seconds", latency("response time", "le", 2000)],
    ["keep our p95 page load time below 300 ms", latency("page load time", "lt", 300, 95)],
  ])("%s", (text, expected) => {
    expect(assertionOf(text)).toStrictEqual(expected);
  });
});

describe("parseStatement: the line around the statement", () => {
  it.each([
    ["In order to make fewer silly mistakes", relative("silly mistakes", "decrease")],
    ["  in ORDER to make fewer silly mistakes.", relative("silly mistakes", "decrease")],
    ["make fewer silly mistakes,", relative("silly mistakes", "decrease")],
    ["In order to always respond within 300 ms", latency("response time", "le", 300)],
    ["be able to respond within 300 ms", latency("response time", "le", 300)],
    ["help us make fewer silly mistakes", relative("silly mistakes", "decrease")],
    ["continue to keep checkout errors below 1%.", rate("checkout errors", "lt", 0.01)],
    ["Keep Checkout Errors Below 1%", rate("checkout errors", "lt", 0.01)],
  ])("%s", (text, expected) => {
    expect(assertionOf(text)).toStrictEqual(expected);
  });

  it("reports the statement without the prefix and trailing punctuation", () => {
    expect(parseStatement("In order to make fewer silly mistakes.").statement).toBe(
      "make fewer silly mistakes",
    );
    expect(parseStatement("In order to avoid silly mistakes,").statement).toBe("avoid silly mistakes");
  });
});

describe("parseStatement: statements that are not executable", () => {
  it.each([
    [
      "avoid silly mistakes",
      '"avoid" is not measurable',
      ["make 0 silly mistakes", "make fewer silly mistakes"],
    ],
    [
      "prevent checkout errors",
      '"prevent" is not measurable',
      ["make 0 checkout errors", "make fewer checkout errors"],
    ],
    [
      "minimise checkout errors",
      '"minimise" is not measurable',
      ["make fewer checkout errors", "keep checkout errors below 5"],
    ],
    ["minimize page load time", '"minimize" is not measurable', ["reduce page load time by 10%"]],
    ["maximise signups", '"maximise" is not measurable', ["have more signups", "increase signups by 10%"]],
    ["improve conversion", '"improve" is not measurable', ["increase conversion", "reduce conversion"]],
    ["avoid", '"avoid" is not measurable', ["make fewer silly mistakes"]],
    ["make mistakes", "no amount and no direction", ["make fewer mistakes", "make 0 mistakes"]],
    ["have signups", "no amount and no direction", ["have more signups", "have at least 100 signups"]],
    ["delight customers", "no amount and no direction", ["delight more customers"]],
    [
      "make 3 silly mistakes",
      "ambiguous",
      ["make at most 3 silly mistakes", "make at least 3 silly mistakes"],
    ],
    ["make at most silly mistakes", "a number must follow", ["make at most 3 silly mistakes"]],
    [
      "keep checkout errors below",
      "a number must follow",
      ["keep checkout errors below 1%", "keep checkout errors below 5"],
    ],
    ["keep p95 page load time below", "a number must follow", ["keep p95 page load time below 300 ms"]],
    ["keep checkout errors low", "states no bound", ["keep checkout errors low below 1%"]],
    ["keep errors below -1%", "negative", ["keep errors below 1%"]],
    ["keep errors below 150%", "not a rate", []],
    ["respond within 300 parsecs", '"parsecs" is not a unit', ["respond within 300 ms"]],
    ["respond within 300parsecs", '"parsecs" is not a unit', ["respond within 300 ms"]],
    [
      "keep page load time below 300 parsecs",
      '"parsecs" is not a unit',
      ["keep page load time below 300 ms"],
    ],
    ["respond within 300", "needs a time unit", ["respond within 300 ms", "respond within 300 s"]],
    ["respond quickly", "no time bound", ["respond within 300 ms"]],
    ["always respond fast", "no time bound", ["always respond within 300 ms"]],
    ["keep p0 page load time below 300 ms", "not a percentile", ["keep p95 page load time below 300 ms"]],
    ["keep p101 page load time below 300 ms", "not a percentile", ["keep p95 page load time below 300 ms"]],
    ["keep p95 conversion above 2%", "needs a bound in ms or s", ["keep conversion above 2%"]],
    ["avoid making silly mistakes", '"avoid" is not measurable', ["make 0 silly mistakes"]],
    ["make no more mistakes", "ambiguous", ["make 0 mistakes", "make fewer mistakes"]],
    ["reduce page load time by 10", "percentage", ["reduce page load time by 10%"]],
    ["reduce page load time by 0%", "no change", []],
    ["reduce page load time by 120%", "more than 100%", []],
    ["make 20 fewer silly mistakes", "percentage", ["make 20% fewer silly mistakes"]],
    ["make at most 20% fewer silly mistakes", 'only "at least" can size a change', []],
    ["respond within 300 ms per request", '"per" cannot follow "300 ms"', ["respond within 300 ms"]],
    ["respond within -3 ms", "negative", ["respond within 3 ms"]],
    ["keep checkout errors below 1% per sum", '"per" cannot follow', ["keep checkout errors below 1%"]],
    ["make at most 3 silly mistakes per 0 sums", '"per" needs', []],
    ["make at most 3 silly mistakes per", '"per" needs', []],
    ["keep errors below 5 for now", "not understood", ["keep errors below 5"]],
    ["make at most 3 s mistakes", "duration", []],
    ["be happy", "not measurable", ["make fewer silly mistakes"]],
    ["feel more confident", "not measurable", ["respond within 300 ms"]],
    ["", "nothing follows", ["keep checkout errors below 1%"]],
    ["In order to", "nothing follows", ["make fewer silly mistakes"]],
    ["300 ms", "not measurable", ["respond within 300 ms"]],
    ["💥🔥 ∑∆", "neither a word nor a number", ["make fewer silly mistakes"]],
    ["make (fewer) mistakes", "neither a word nor a number", []],
    ["toString mistakes", "no amount and no direction", []],
    ["constructor", "not measurable", []],
    ["keep 1e400 errors below 1", "neither a word nor a number", []],
  ])("%s", (text, reason, suggestions) => {
    const parsed = failureOf(text);
    expect(parsed.reason).toContain(reason);
    expect(parsed.suggestions).toEqual(expect.arrayContaining(suggestions));
  });

  it("refuses a 10 kB statement quickly", () => {
    const started = performance.now();
    const parsed = parseStatement(`make fewer ${"silly mistakes ".repeat(700)}`);
    const spaced = parseStatement(`make ${" ".repeat(10_000)}x`);
    expect(parsed.ok).toBe(false);
    expect(spaced.ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("never throws on values a caller might pass by mistake", () => {
    for (const value of [undefined, null, 42, {}, []]) {
      expect(parseStatement(value as unknown as string).ok).toBe(false);
    }
  });
});

/** Mulberry32: a tiny seeded PRNG, so that the fuzz runs are repeatable. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const vocabulary = [
  ...[FILLERS, COMPARATORS, CHANGE_WORDS].flatMap((table) => table.flatMap((p) => p.words)),
  ...[CHANGE_VERBS, SCALING_VERBS, LATENCY_VERBS, VAGUE_VERBS, UNITS, NUMBER_WORDS].flatMap((m) => [
    ...m.keys(),
  ]),
  ...LIMIT_VERBS,
  ...["make", "have", "sell", "load", "in", "by", "to", "per", "the", "p95", "p0", "p101", "errors", "sums"],
  ...["0", "3", "-1", "1,000", "2.5", "150%", "1%", "300ms", "0.5s", "12parsecs", "", "💥", "."],
];

describe("parseStatement: fuzz", () => {
  it("never throws, and every suggestion it offers parses", () => {
    const random = prng(20_240_601);
    const pick = () => vocabulary[Math.floor(random() * vocabulary.length)] ?? "";
    let understood = 0;
    for (let run = 0; run < 5000; run++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 8) }, pick).join(" ");
      const parsed = parseStatement(text);
      if (parsed.ok) {
        understood++;
        continue;
      }
      expect(parsed.reason, text).not.toBe("");
      for (const suggestion of parsed.suggestions)
        expect(parseStatement(suggestion).ok, suggestion).toBe(true);
    }
    expect(understood).toBeGreaterThan(0);
  });
});

describe("parseStatement: suggestions", () => {
  it.each([
    "avoid silly mistakes",
    "prevent the checkout errors",
    "minimise page load time",
    "maximise signups",
    "make mistakes",
    "keep checkout errors below",
    "respond within 300 parsecs",
    "keep errors below -1%",
    "be happy",
    "",
  ])("all suggestions for %j parse", (text) => {
    for (const suggestion of failureOf(text).suggestions) {
      expect(parseStatement(suggestion), suggestion).toMatchObject({ ok: true });
    }
  });
});

describe("extractValueStatements", () => {
  it("finds every line that starts with In order to", () => {
    const description = [
      "In order to make fewer silly mistakes",
      "As a math idiot",
      "  in order to respond within 300 ms.",
      "I want to be told the sum of two numbers",
      "IN ORDER TO keep checkout errors below 1%,",
      "Someone said in order to sell more widgets",
      "In order tomorrow",
      "In order to",
    ].join("\r\n");
    expect(extractValueStatements(description)).toEqual([
      { line: 0, text: "make fewer silly mistakes" },
      { line: 2, text: "respond within 300 ms" },
      { line: 4, text: "keep checkout errors below 1%" },
      { line: 7, text: "" },
    ]);
  });

  it.each([undefined, "", "As a user\nI want things"])("finds nothing in %j", (description) => {
    expect(extractValueStatements(description)).toEqual([]);
  });
});
