const SHOWN_CHARS = 500;

/** Shortens text, such as a response body, for a failure message. */
export function truncate(text: string, max = SHOWN_CHARS): string {
  if (text === "") return "(empty)";
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A JSON value as a failure message shows it: JSON text, shortened, with its type when that matters. */
export function describeJson(value: unknown): string {
  if (value === undefined) return "nothing";
  return `${truncate(JSON.stringify(value))} (${jsonType(value)})`;
}

export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
