/** Renders a package once into its three metadata fragments (cached by the pool). */
import { renderFilelists } from "./render-filelists.js";
import { renderOther } from "./render-other.js";
import { renderPrimary } from "./render-primary.js";
import type { PackageFragments, PackageRecord, RenderOptions } from "./types.js";

export function renderFragments(record: PackageRecord, options: RenderOptions): PackageFragments {
  return {
    primary: renderPrimary(record),
    filelists: renderFilelists(record),
    other: renderOther(record, options.changelogLimit),
  };
}
