/** The repository metadata writer: render packages once, write repodata/, index a folder. */
export { isPrimaryFile } from "./dependencies.js";
export { type IndexOptions, type IndexResult, indexDirectory } from "./index-directory.js";
export { packageRecordFromFile } from "./package-record.js";
export { renderFragments } from "./render.js";
export type * from "./types.js";
export { writeRepodata } from "./write-repodata.js";
