import { CucumberExpressionGenerator, type ParameterType } from "@cucumber/cucumber-expressions";
import type { PickleStep } from "@cucumber/messages";

const NUMBER_TYPES = new Set(["int", "float", "double", "bigdecimal", "byte", "short", "long"]);

function tsType(parameterType: ParameterType<unknown> | undefined): string {
  const name = parameterType?.name ?? "";
  if (NUMBER_TYPES.has(name)) return "number";
  if (name === "biginteger") return "bigint";
  if (name === "string" || name === "word" || name === "") return "string";
  return "unknown";
}

function keywordFor(step: PickleStep): string {
  if (step.type === "Action") return "When";
  if (step.type === "Outcome") return "Then";
  return "Given";
}

/** Ready-to-paste TypeScript snippets for an undefined step, one per generated expression. */
export function snippetsFor(
  step: PickleStep,
  parameterTypes: () => Iterable<ParameterType<unknown>>,
): string[] {
  const generator = new CucumberExpressionGenerator(parameterTypes);
  const keyword = keywordFor(step);
  return generator.generateExpressions(step.text).map((expression) => {
    const params = expression.parameterNames.map(
      (name, i) => `${name}: ${tsType(expression.parameterTypes[i])}`,
    );
    if (step.argument?.docString) params.push("docString: string");
    if (step.argument?.dataTable) params.push("dataTable: DataTable");
    return `${keyword}(${JSON.stringify(expression.source)}, (${params.join(", ")}) => {\n  return "pending"\n})`;
  });
}
