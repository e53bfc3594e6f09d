import { describe, expect, it } from "vitest";
import { normalizePhrase, samePhrase, singularize } from "./phrase.js";

describe("singularize", () => {
  it.each([
    ["mistakes", "mistake"],
    ["entries", "entry"],
    ["boxes", "box"],
    ["matches", "match"],
    ["crashes", "crash"],
    ["classes", "class"],
    ["purchases", "purchase"],
    ["responses", "response"],
    ["errors", "error"],
    ["signups", "signup"],
    ["status", "status"],
    ["analysis", "analysis"],
    ["less", "less"],
    ["ms", "ms"],
    ["s", "s"],
    ["ties", "tie"],
    ["revenue", "revenue"],
    ["", ""],
  ])("%s → %s", (word, singular) => {
    expect(singularize(word)).toBe(singular);
  });
});

describe("normalizePhrase", () => {
  it.each([
    ["Silly Mistakes", "silly mistake"],
    ["  silly   mistake ", "silly mistake"],
    ["Checkout\tErrors\n", "checkout error"],
    ["page load time", "page load time"],
    ["p95 page load times", "p95 page load time"],
    ["", ""],
    ["   ", ""],
  ])("%j → %j", (phrase, normal) => {
    expect(normalizePhrase(phrase)).toBe(normal);
  });
});

describe("samePhrase", () => {
  it.each([
    ["Silly Mistakes", "silly mistake", true],
    ["checkout errors", "Checkout  Error", true],
    ["entries", "entry", true],
    ["purchases", "purchase", true],
    ["silly mistakes", "silly mistakes per sum", false],
    ["errors", "checkout errors", false],
  ])("%j and %j: %s", (a, b, same) => {
    expect(samePhrase(a, b)).toBe(same);
  });
});
