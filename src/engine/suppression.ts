import type { Observed } from "./observations.js";

/**
 * Why a failing instance plans no level, if it does not: it is flapping (it pages once instead),
 * silenced by an operator, or a parent check it depends on is failing, so the failure is the
 * parent's (compare Nagios parents). A parent that is per-target covers the same target.
 */
export function suppressionOf(
  failing: readonly Observed[],
  isSilenced: (check: string, target: string) => boolean,
): { entry: Observed; suppressed?: string }[] {
  const failingTargetsByCheck = new Map<string, Set<string>>();
  for (const entry of failing) {
    const set = failingTargetsByCheck.get(entry.instance.check.name) ?? new Set<string>();
    set.add(entry.instance.target ?? "");
    failingTargetsByCheck.set(entry.instance.check.name, set);
  }
  return failing.map((entry) => {
    const { check, target } = entry.instance;
    if (entry.flapping) return { entry, suppressed: "flapping" };
    if (isSilenced(check.name, target ?? "")) return { entry, suppressed: "silenced" };
    for (const parent of check.depends_on ?? []) {
      const targets = failingTargetsByCheck.get(parent);
      if (targets && (targets.has("") || targets.has(target ?? ""))) {
        return { entry, suppressed: `attributed to failing parent ${parent}` };
      }
    }
    return { entry };
  });
}
