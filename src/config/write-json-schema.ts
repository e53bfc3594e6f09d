import { writeFileSync } from "node:fs";
import { z } from "zod";
import { configSchema } from "./schema.js";

/** The JSON Schema editors use for escalator.yaml, generated from the one zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    $id: "https://escalator.dev/schema/escalator.schema.json",
  };
}

// `node dist/config/write-json-schema.js OUT` regenerates schema/escalator.schema.json.
if (process.argv[1]?.endsWith("write-json-schema.js") && process.argv[2]) {
  writeFileSync(process.argv[2], `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
}
