import type { RunSummary, ScenarioStatus } from "../types.js";
import { indent, paint } from "./summary-text.js";

const HEADINGS: [string, readonly ScenarioStatus[]][] = [
  ["Failures", ["FAILED", "AMBIGUOUS"]],
  ["Warnings", ["UNDEFINED", "PENDING"]],
];

/** The numbered list of failing, then undefined and pending, steps that closes a run. */
export function problemsText(summary: RunSummary, color?: boolean): string {
  const blocks: string[] = [];
  for (const [heading, statuses] of HEADINGS) {
    const problems = summary.problems.filter((p) => statuses.includes(p.status));
    if (problems.length === 0) continue;
    blocks.push(`${heading}:\n`);
    problems.forEach((p, i) => {
      const where = `${p.uri}:${p.line}`;
      const title = p.scenario ? `Scenario: ${p.scenario}` : p.step;
      const lines = [
        `${i + 1}) ${title} # ${where}`,
        paint(p.status, `   ${p.status.toLowerCase()}: ${p.step}`, color),
      ];
      if (p.message) lines.push(paint(p.status, indent(p.message, "       "), color));
      blocks.push(`${lines.join("\n")}\n`);
    });
  }
  for (const error of summary.errors) {
    blocks.push(
      paint(
        "FAILED",
        `Error: ${error.uri}${error.line !== undefined ? `:${error.line}` : ""} ${error.message}\n`,
        color,
      ),
    );
  }
  return blocks.map((block) => `${block}\n`).join("");
}
