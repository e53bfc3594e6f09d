/**
 * rpm's version ordering (lib/rpmvercmp.c): strings split into runs of ASCII digits and ASCII letters;
 * everything else separates. Digit runs compare numerically (leading zeros ignored) and beat letter
 * runs; `~` sorts before anything, even the end; `^` sorts after the end but before anything else.
 */

export type Cmp = -1 | 0 | 1;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const TILDE = 126;
const CARET = 94;
/** Code for "past the end": charCodeAt gives NaN there, which we map to 0. */
const END = 0;

function at(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : END;
}

/** Compares two version (or release) strings exactly like rpm's rpmvercmp. */
export function rpmvercmp(a: string, b: string): Cmp {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isSeparatorStop(at(a, i))) i++;
    while (j < b.length && !isSeparatorStop(at(b, j))) j++;
    const ca = at(a, i);
    const cb = at(b, j);

    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      if (ca === END) return -1;
      if (cb === END) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === END || cb === END) break;

    const numeric = isDigit(ca);
    const inRun = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && inRun(at(a, ei))) ei++;
    while (ej < b.length && inRun(at(b, ej))) ej++;
    // The run on `a` is never empty (it starts with an alnum); an empty run on `b` means the types differ.
    if (ej === j) return numeric ? 1 : -1;

    let sa = a.slice(i, ei);
    let sb = b.slice(j, ej);
    if (numeric) {
      sa = sa.replace(/^0+/, "");
      sb = sb.replace(/^0+/, "");
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    if (sa !== sb) return sa > sb ? 1 : -1;
    i = ei;
    j = ej;
  }
  const endA = i >= a.length;
  const endB = j >= b.length;
  if (endA && endB) return 0;
  return endA ? -1 : 1;
}

/** True for the characters that stop the separator skip: ASCII letters and digits, `~`, `^`. */
function isSeparatorStop(c: number): boolean {
  return isDigit(c) || isAlpha(c) || c === TILDE || c === CARET;
}

export interface Evr {
  epoch?: number | undefined;
  version: string;
  release?: string | undefined;
}

/**
 * Compares epoch (missing = 0), then version, then release. As rpm does for dependency ranges, the
 * release is compared only when both sides have one.
 */
export function compareEvr(a: Evr, b: Evr): Cmp {
  const ea = a.epoch ?? 0;
  const eb = b.epoch ?? 0;
  if (ea !== eb) return ea > eb ? 1 : -1;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0) return v;
  if (a.release === undefined || b.release === undefined) return 0;
  return rpmvercmp(a.release, b.release);
}

/** Splits "[epoch:]version[-release]" as stored in dependency version tags. */
export function parseEvr(evr: string): Evr {
  const colon = evr.indexOf(":");
  let epoch: number | undefined;
  let rest = evr;
  if (colon >= 0 && /^\d+$/.test(evr.slice(0, colon))) {
    epoch = Number(evr.slice(0, colon));
    rest = evr.slice(colon + 1);
  }
  const dash = rest.lastIndexOf("-");
  if (dash < 0) return { epoch, version: rest, release: undefined };
  return { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}
