/**
 * Replaces what XML 1.0 forbids anywhere, even escaped (C0 controls other than tab, LF and CR,
 * lone surrogates, U+FFFE and U+FFFF), with U+FFFD.
 */
function allowedOnly(text: string): string {
  let out = "";
  for (const char of text) {
    const c = char.codePointAt(0) ?? 0;
    const allowed =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000;
    out += allowed ? char : "\uFFFD";
  }
  return out;
}

/** Text safe inside a double-quoted XML attribute; line breaks survive as character references. */
export function xmlAttribute(text: string): string {
  return allowedOnly(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;");
}

/** Text as a CDATA section; a "]]>" inside is split across two sections. */
export function xmlCdata(text: string): string {
  return `<![CDATA[${allowedOnly(text).replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
}
