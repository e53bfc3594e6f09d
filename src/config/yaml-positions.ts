import { type Document, isMap, isNode, isScalar, type LineCounter } from "yaml";

export interface Position {
  line: number;
  col: number;
}

/**
 * Finds where a config path lives in the YAML source. When the path does not exist
 * (a missing key), it points at the nearest ancestor that does.
 */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
  keyName?: string,
): Position {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const node = prefix.length === 0 ? doc.contents : doc.getIn(prefix as unknown[], true);
    if (!isNode(node)) continue;
    if (keyName !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === keyName);
      if (pair && isNode(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]);
    }
    if (node.range) return lines.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}

/** "levels[0].run" */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text || "(top level)";
}
