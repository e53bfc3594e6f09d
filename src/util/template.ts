/** Values available to `{{name}}` placeholders in argv elements and URLs. */
export interface TemplateValues {
  target?: string;
  environment?: string;
  level?: string;
}

const PLACEHOLDER = /\{\{\s*(target|environment|level)\s*\}\}/g;

/**
 * Substitutes placeholders inside one string. The result stays one string: when it is an
 * argv element, a target's text can never become a second argument or reach a shell.
 */
export function substitute(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (whole, name: keyof TemplateValues) => values[name] ?? whole);
}

export function substituteArgv(argv: readonly string[], values: TemplateValues): string[] {
  return argv.map((arg) => substitute(arg, values));
}

export function usesPlaceholder(text: string, name: keyof TemplateValues): boolean {
  return new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`).test(text);
}

/** Characters that change a URL's structure: path, query, fragment, userinfo, and what parsers strip. */
const URL_UNSAFE = /[/?#@\\\s\p{Cc}]/u;

/**
 * Substitutes placeholders in a URL template, refusing any value that would change the URL's
 * structure: a target "x@evil.example" or "evil.example#" would otherwise send the request,
 * and its headers, to another host.
 */
export function substituteUrl(template: string, values: TemplateValues): { url: string } | { error: string } {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] as keyof TemplateValues;
    const value = values[name];
    const unsafe = value === undefined ? null : URL_UNSAFE.exec(value);
    if (value !== undefined && unsafe) {
      return {
        error: `refusing to put ${name} ${JSON.stringify(value)} into a URL: it contains ${describeChar(unsafe[0])}, which would change where the request goes`,
      };
    }
  }
  return { url: substitute(template, values) };
}

function describeChar(char: string): string {
  if (/\s|\p{Cc}/u.test(char)) {
    const code = char.codePointAt(0) ?? 0;
    return `a ${/\p{Cc}/u.test(char) ? "control" : "whitespace"} character (U+${code.toString(16).toUpperCase().padStart(4, "0")})`;
  }
  return `"${char}"`;
}
