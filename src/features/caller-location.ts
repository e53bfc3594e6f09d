import { fileURLToPath } from "node:url";

export interface SourceLocation {
  /** Absolute file path. */
  file: string;
  line: number;
}

const INTERNAL =
  /[\\/]features[\\/](dsl|support-code|caller-location)\.(ts|js)|[\\/]dist[\\/]index\.js|node:internal|[\\/]node_modules[\\/]/;

/** Where the user's code called into the DSL: the first stack frame outside Escalator's own files. */
export function callerLocation(): SourceLocation | undefined {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  for (const frame of stack) {
    const match = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?\s*$/.exec(frame);
    if (!match) continue;
    let raw = match[1] as string;
    // tsx runs a CommonJS-mode .ts file as a data: URL; its real path is in `filePath=`.
    const dataPath = /[?&]filePath=([^&:]+)/.exec(raw);
    if (raw.startsWith("data:") && dataPath) raw = decodeURIComponent(dataPath[1] as string);
    if (INTERNAL.test(raw)) continue;
    const withoutQuery = raw.replace(/\?.*$/, "");
    const file = withoutQuery.startsWith("file://") ? fileURLToPath(withoutQuery) : withoutQuery;
    return { file, line: Number(match[2]) };
  }
  return undefined;
}
