import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Envelope } from "@cucumber/messages";
import { afterAll, describe, expect, it } from "vitest";
import { runFeatures } from "../src/features/run-features.js";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const kit = path.join(root, "node_modules/@cucumber/compatibility-kit/features");
const dsl = path.join(root, "src/features/dsl.ts");

const SAMPLES = [
  "minimal",
  "data-tables",
  "doc-strings",
  "parameter-types",
  "cdata",
  "examples-tables",
  "rules",
  "undefined",
  "pending",
  "ambiguous",
  "skipped",
  "hooks",
  "unknown-parameter-type",
];

const work = mkdtempSync(path.join(tmpdir(), "escalator-cck-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Per pickle (by name, then its step texts or "hook"), the statuses of its test steps, in order. */
function statuses(envelopes: readonly Envelope[]): { results: string[]; success: boolean | undefined } {
  const pickles = new Map(envelopes.flatMap((e) => (e.pickle ? [[e.pickle.id, e.pickle] as const] : [])));
  const testCases = new Map(
    envelopes.flatMap((e) => (e.testCase ? [[e.testCase.id, e.testCase] as const] : [])),
  );
  const started = new Map(
    envelopes.flatMap((e) =>
      e.testCaseStarted ? [[e.testCaseStarted.id, e.testCaseStarted.testCaseId] as const] : [],
    ),
  );
  const results: string[] = [];
  for (const e of envelopes) {
    const finished = e.testStepFinished;
    if (!finished) continue;
    const testCase = testCases.get(started.get(finished.testCaseStartedId) ?? "");
    const pickle = pickles.get(testCase?.pickleId ?? "");
    const testStep = testCase?.testSteps.find((s) => s.id === finished.testStepId);
    const text = testStep?.pickleStepId
      ? pickle?.steps.find((s) => s.id === testStep.pickleStepId)?.text
      : "hook";
    results.push(`${pickle?.name} / ${text} / ${finished.testStepResult.status}`);
  }
  const success = envelopes.find((e) => e.testRunFinished)?.testRunFinished?.success;
  return { results, success };
}

/** The kinds of envelope, in order, with consecutive repeats folded, for a coarse ordering check. */
function kinds(envelopes: readonly Envelope[]): string[] {
  const list = envelopes.map((e) => Object.keys(e)[0] as string).filter((k) => k !== "meta");
  return list.filter((k, i) => k !== list[i - 1]);
}

describe("Cucumber Compatibility Kit", () => {
  for (const sample of SAMPLES) {
    it(sample, async () => {
      const dir = path.join(work, sample);
      mkdirSync(dir, { recursive: true });
      copyFileSync(path.join(kit, sample, `${sample}.feature`), path.join(dir, `${sample}.feature`));
      const steps = readFileSync(path.join(kit, sample, `${sample}.ts`), "utf8").replace(
        /from ['"]@cucumber\/fake-cucumber['"]/,
        `from ${JSON.stringify(dsl)}`,
      );
      writeFileSync(path.join(dir, `${sample}.ts`), steps);

      const ours: Envelope[] = [];
      const summary = await runFeatures({
        paths: [`${sample}.feature`],
        require: [`${sample}.ts`],
        cwd: dir,
        onMessage: (e) => ours.push(e),
      });
      const expected = readFileSync(path.join(kit, sample, `${sample}.ndjson`), "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as Envelope);

      expect(summary.errors).toEqual([]);
      expect(statuses(ours)).toEqual(statuses(expected));
      expect(kinds(ours)).toEqual(kinds(expected));
      const suggestionCount = (list: Envelope[]) => list.filter((e) => e.suggestion).length;
      expect(suggestionCount(ours)).toBe(suggestionCount(expected));
      const snippets = (list: Envelope[]) =>
        list.flatMap((e) => e.suggestion?.snippets.map((s) => s.code) ?? []);
      expect(snippets(ours)).toEqual(snippets(expected));
      const undefinedTypes = (list: Envelope[]) =>
        list.flatMap((e) => (e.undefinedParameterType ? [e.undefinedParameterType] : []));
      expect(undefinedTypes(ours)).toEqual(undefinedTypes(expected));
    });
  }
});
