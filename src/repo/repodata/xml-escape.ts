/**
 * XML escaping as libxml2 serialises createrepo_c's nodes (xmlNodeDump without a document), so our
 * fragments are byte-for-byte what createrepo_c writes:
 *   text:       & < > escaped, CR as &#13;, everything else (UTF-8 included) as is;
 *   attributes: & < > " escaped, TAB/LF/CR as &#9; &#10; &#13;, non-ASCII as &#xHEX; references.
 * Characters XML 1.0 does not allow (C0 controls other than TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF)
 * are dropped: createrepo_c refuses such a package outright, a repository should not break over it.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/gu;
const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<>"\t\n\r]|[^ -~\t\n\r]/u;

/** Removes characters that may not appear in an XML 1.0 document. */
export function stripInvalidXmlChars(value: string): string {
  INVALID.lastIndex = 0;
  return INVALID.test(value) ? value.replace(INVALID, "") : value;
}

const TEXT_REPLACE = /[&<>\r]/g;
const ATTR_REPLACE = /[&<>"\t\n\r]|[^ -~\t\n\r]/gu;
const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

const entity = (ch: string): string =>
  ENTITIES[ch] ?? `&#x${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()};`;

/**
 * The common case, checked with a loop rather than the regular expressions (rendering a package calls
 * these dozens of times): printable ASCII other than & < > (and " in attributes), plus TAB and LF in
 * text, needs no change.
 */
function plain(value: string, attribute: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      if (c === 0x26 || c === 0x3c || c === 0x3e || (attribute && c === 0x22)) return false;
    } else if (attribute || (c !== 0x09 && c !== 0x0a)) {
      return false;
    }
  }
  return true;
}

/** Escapes element content. */
export function escapeText(value: string): string {
  if (plain(value, false)) return value;
  const clean = stripInvalidXmlChars(value);
  return TEXT_SPECIAL.test(clean) ? clean.replace(TEXT_REPLACE, entity) : clean;
}

/** Escapes an attribute value (to be written between double quotes). */
export function escapeAttr(value: string): string {
  if (plain(value, true)) return value;
  const clean = stripInvalidXmlChars(value);
  return ATTR_SPECIAL.test(clean) ? clean.replace(ATTR_REPLACE, entity) : clean;
}

/** `<name>text</name>`; libxml2 writes an empty text child as `<name></name>`. */
export function textElement(name: string, value: string | undefined): string {
  return `<${name}>${escapeText(value ?? "")}</${name}>`;
}
