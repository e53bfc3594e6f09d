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
  return locationFromStack(new Error().stack ?? "");
}

/** The first frame of a V8 stack trace that is outside Escalator's own files. */
export function locationFromStack(stackTrace: string): SourceLocation | undefined {
  const stack = stackTrace.split("\n").slice(1);
  for (const frame of stack) {
    const match = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?\s*$/.exec(frame);
    if (!match) continue;
    let raw = match[1] as string;
    // tsx runs a CommonJS-mode .ts file as a data: URL whose code (with parentheses in it) is in the
    // frame; its real path is in `filePath=`, percent-encoded.
    const dataPath = /data:text\/javascript,.*[?&]filePath=([^&:\s]+)/.exec(frame);
    if (dataPath) raw = decodeURIComponent(dataPath[1] as string);
    if (INTERNAL.test(raw)) continue;
    const withoutQuery = raw.replace(/\?.*$/, "");
    const file = withoutQuery.startsWith("file://") ? fileURLToPath(withoutQuery) : withoutQuery;
    return { file, line: Number(match[2]) };
  }
  return undefined;
}
