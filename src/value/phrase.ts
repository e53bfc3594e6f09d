/**
 * Phrase normalisation for matching metric names: "Silly  Mistakes" and "silly mistake" are the same
 * phrase. Simple English rules, not a dictionary; what matters is that both sides normalise alike.
 */

/**
 * The singular of one lower-case word: "entries" → "entry", "boxes" → "box", "matches" → "match",
 * "classes" → "class", "purchases" → "purchase", "errors" → "error"; "status", "analysis", "less" stay.
 */
export function singularize(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (/(?:sses|xes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 2 && word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** A phrase in lower case, with whitespace collapsed, trimmed, and each word singularised. */
export function normalizePhrase(phrase: string): string {
  return phrase.toLowerCase().trim().split(/\s+/).filter(Boolean).map(singularize).join(" ");
}

/** Whether two phrases name the same thing once normalised ("Silly Mistakes" and "silly mistake"). */
export function samePhrase(a: string, b: string): boolean {
  return normalizePhrase(a) === normalizePhrase(b);
}
