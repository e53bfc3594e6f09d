/** Text that is safe to put into the self-contained HTML report. */

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON safe inside a `<script>` element: every `<` becomes \u003c (so neither `</script` nor
 * `<!--` can appear) and U+2028/U+2029 are escaped too. JSON.parse restores the same values.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Keeps inlined code from closing its element early (uPlot has no such text; this is a guard). */
export function inlineSafe(code: string, tag: "script" | "style"): string {
  return code.replace(new RegExp(`</(${tag})`, "gi"), "<\\/$1");
}
