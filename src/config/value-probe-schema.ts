import { z } from "zod";
import { argv, durationDescription, durationField } from "./schema-primitives.js";

const releaseSource = z.union([
  z.strictObject({
    command: argv.meta({
      description: "Prints the release now serving on its first line, e.g. [cat, RELEASE]",
    }),
  }),
  z.strictObject({
    file: z.string().min(1).meta({ description: "A file whose first line is the release now serving" }),
  }),
]);

/**
 * A check that judges the features' value statements for the release now serving: the immune
 * system. `not delivered` is CRITICAL, so the check's level (a rollback) runs.
 */
export const valueProbe = z.strictObject({
  paths: z
    .array(z.string().min(1))
    .min(1)
    .meta({ description: "Feature files or folders, relative to this file" }),
  values: z.string().min(1).optional().meta({
    description: "Metric definitions file, relative to this file. Default: the values: section of this file",
  }),
  release: releaseSource.meta({
    description: "Where the release now serving is read: {command: [...]} or {file}",
  }),
  window: durationField((ms, text) =>
    ms < 1000
      ? `${JSON.stringify(text)} is too short a window to judge anything; use at least 1s`
      : undefined,
  )
    .prefault("10m")
    .meta(
      durationDescription(
        "Fixed window after a release starts serving: it is judged once, at the window's end, over the window",
      ),
    ),
});

export type ValueProbeConfig = z.output<typeof valueProbe>;
