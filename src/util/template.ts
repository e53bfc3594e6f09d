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
