import { z } from "zod";

/**
 * `repo:` in escalator.yaml: a Yumtags repository (issue 7) the dashboard shows. The daemon only
 * reads it; `escalator repo ...` and `escalator repo serve` write it.
 */
export const repoSchema = z
  .strictObject(
    {
      root: z
        .string({ error: "expected the repository's folder, e.g. root: /srv/yumtags" })
        .min(1, "must not be empty: the folder given to `escalator repo ... --root`")
        .meta({
          description:
            "The repository's folder (the --root of `escalator repo`, holding repo.db), relative to this file",
        }),
      url: z
        .string({ error: 'expected a URL such as "http://yum.example:8471"' })
        .regex(
          /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/,
          'expected the http(s) base URL `escalator repo serve` is reached at, such as "http://yum.example:8471"',
        )
        .optional()
        .meta({
          description:
            "Public base URL of `escalator repo serve`; the dashboard links <url>/tags/<tag>.repo and <url>/channels/<name>.repo",
        }),
    },
    { error: "expected {root: PATH, url?: URL}, e.g. repo: { root: /srv/yumtags }" },
  )
  .meta({ description: "A Yumtags repository (escalator repo) whose tags and channels the dashboard shows" });

export type RepoConfig = z.output<typeof repoSchema>;
