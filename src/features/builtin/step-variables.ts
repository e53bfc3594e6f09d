const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

/** How a saved value is written into text: strings as they are, anything else as JSON. */
function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function lookup(variables: ReadonlyMap<string, unknown>, name: string): string {
  if (!variables.has(name)) {
    const saved = [...variables.keys()];
    throw new Error(
      `unknown variable {{${name}}}: ${saved.length === 0 ? "nothing has been saved in this scenario" : `saved so far: ${saved.join(", ")}`}; save one first with When I save the JSON at "$.path" as "${name}"`,
    );
  }
  return asText(variables.get(name));
}

/** Replaces `{{name}}` in a header value or body with values saved earlier in the scenario. */
export function substituteVariables(text: string, variables: ReadonlyMap<string, unknown>): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => lookup(variables, name));
}

/**
 * Replaces `{{name}}` in a URL. A placeholder that starts the URL is written as it is, since
 * it supplies the URL or its leading path; anywhere else the value is percent-encoded, so a
 * saved "a/b?c" stays one path segment or query value instead of changing where the request goes.
 */
export function substituteUrlVariables(url: string, variables: ReadonlyMap<string, unknown>): string {
  return url.replace(PLACEHOLDER, (_whole, name: string, offset: number) => {
    const value = lookup(variables, name);
    return offset === 0 ? value : encodeURIComponent(value);
  });
}
