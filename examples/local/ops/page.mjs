// The demo's pager: a real setup would call PagerDuty, Opsgenie or a chat webhook.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { runDir } from "./demo-paths.mjs";

const line = `${new Date().toISOString()} ${process.env.ESCALATOR_SEVERITY}: ${process.env.ESCALATOR_SUMMARY}\n`;
appendFileSync(join(runDir, "pages.log"), line);
process.stderr.write(`PAGE ${line}`);
