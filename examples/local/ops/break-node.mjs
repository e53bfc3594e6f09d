// `npm run demo:break -- web-2` kills the second web node, as a crash would.
import { readFileSync } from "node:fs";
import { parseTarget, pidFile } from "./demo-paths.mjs";

const DEMO_TARGETS = ["127.0.0.1:18081", "127.0.0.1:18082", "127.0.0.1:18083"];
const arg = process.argv[2];
if (!arg) {
  console.error("usage: npm run demo:break -- web-1|web-2|web-3   (or a target such as 127.0.0.1:18082)");
  process.exit(2);
}
const byName = /^web-(\d)$/.exec(arg);
const target = byName ? DEMO_TARGETS[Number(byName[1]) - 1] : arg;
const { port } = parseTarget(target);
try {
  const pid = Number(readFileSync(pidFile(port), "utf8"));
  process.kill(pid, "SIGKILL");
  console.log(`killed ${arg} (${target}, pid ${pid}); watch the daemon notice, quiesce and restart it`);
} catch (error) {
  console.error(`${arg} is not running (${error.code ?? error.message})`);
  process.exit(1);
}
