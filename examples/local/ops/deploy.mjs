// Level "deploy": writes the release every node serves. --previous rolls back.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { releaseFile } from "./demo-paths.mjs";

const previousFile = `${releaseFile}.previous`;
const wanted = process.argv.includes("--previous")
  ? existsSync(previousFile)
    ? readFileSync(previousFile, "utf8").trim()
    : "1.0.0"
  : (process.env.DEMO_RELEASE ?? "1.0.0");
if (existsSync(releaseFile)) renameSync(releaseFile, previousFile);
writeFileSync(`${releaseFile}.tmp`, `${wanted}\n`);
renameSync(`${releaseFile}.tmp`, releaseFile);
console.log(`deployed release ${wanted} (escalation ${process.env.ESCALATOR_ESCALATION_ID ?? "-"})`);
