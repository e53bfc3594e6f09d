/** The parameters a metric query may use. */
export const SQL_PARAMETERS = ["release", "since", "until"] as const;
export type SqlParameter = (typeof SQL_PARAMETERS)[number];

export interface ScannedQuery {
  /** The query with each `:name` replaced by `$n` (PostgreSQL's placeholders). */
  numbered: string;
  /** Parameter names in `$n` order: names[0] is $1. */
  names: SqlParameter[];
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;

/**
 * Finds `:name` parameters outside string literals ('...', E'...', $tag$...$tag$), quoted
 * identifiers ("..." and `...`), comments (-- and nested /* *\/) and `::` casts, and numbers them.
 * Throws an Error naming an unknown parameter.
 */
export function scanParameters(sql: string): ScannedQuery {
  const names: SqlParameter[] = [];
  let numbered = "";
  let i = 0;
  const copyUntil = (end: number) => {
    numbered += sql.slice(i, end);
    i = end;
  };
  while (i < sql.length) {
    const char = sql[i] as string;
    const next = sql[i + 1];
    if (char === "'") {
      const escapes = /[eE]/.test(sql[i - 1] ?? "") && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? "");
      copyUntil(endOfQuoted(sql, i, "'", escapes));
    } else if (char === '"' || char === "`") {
      copyUntil(endOfQuoted(sql, i, char, false));
    } else if (char === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      copyUntil(end < 0 ? sql.length : end);
    } else if (char === "/" && next === "*") {
      copyUntil(endOfBlockComment(sql, i));
    } else if (char === "$" && tagAt(sql, i) !== undefined) {
      const tag = tagAt(sql, i) as string;
      const close = sql.indexOf(tag, i + tag.length);
      copyUntil(close < 0 ? sql.length : close + tag.length);
    } else if (char === ":" && next === ":") {
      copyUntil(i + 2);
    } else if (char === ":" && /[A-Za-z_]/.test(next ?? "")) {
      NAME.lastIndex = i + 1;
      const name = NAME.exec(sql)?.[0] as string;
      if (!(SQL_PARAMETERS as readonly string[]).includes(name)) {
        throw new Error(`the query uses an unknown parameter :${name}; use :release, :since or :until`);
      }
      let index = names.indexOf(name as SqlParameter);
      if (index < 0) index = names.push(name as SqlParameter) - 1;
      numbered += `$${index + 1}`;
      i += 1 + name.length;
    } else {
      copyUntil(i + 1);
    }
  }
  return { numbered, names };
}

/** The offset just past a quoted run starting at `start`; a doubled quote stays inside. */
function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashEscapes && char === "\\") i += 2;
    else if (char === quote && sql[i + 1] === quote) i += 2;
    else if (char === quote) return i + 1;
    else i += 1;
  }
  return sql.length;
}

/** PostgreSQL block comments nest. */
function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i += 1;
  }
  return sql.length;
}

/** A dollar-quote opener ($$ or $tag$) at `at`; `$1` is a placeholder, not a tag. */
function tagAt(sql: string, at: number): string | undefined {
  if (/[A-Za-z0-9_]/.test(sql[at - 1] ?? "")) return undefined;
  DOLLAR_TAG.lastIndex = at;
  return DOLLAR_TAG.exec(sql)?.[0];
}
