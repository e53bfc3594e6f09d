// `npm start`: runs the Escalator daemon on the local demo and cleans up the demo nodes on exit.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const demoDir = fileURLToPath(new URL(".", import.meta.url));
const bin = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
const runDir = join(demoDir, ".run");
if (!existsSync(bin)) {
  console.error("dist/ is missing: run `npm install` (it builds through prepare) or `npm run build` first");
  process.exit(2);
}

/** Stops the demo nodes recorded in .run/ and forgets the demo's runtime state. */
function stopDemoNodes() {
  if (!existsSync(runDir)) return;
  for (const file of readdirSync(runDir).filter((f) => f.endsWith(".pid"))) {
    try {
      process.kill(Number(readFileSync(join(runDir, file), "utf8")), "SIGTERM");
    } catch {}
  }
  rmSync(runDir, { recursive: true, force: true });
}

// Nodes left by an earlier run that did not clean up: the demo starts from nothing.
stopDemoNodes();

console.log(`Escalator local demo: three web nodes on 127.0.0.1:18081-18083, ladder node → deploy.
Nothing runs yet, so the daemon will quiesce 5s, then start every node and deploy.
In another terminal:
  npm run demo:break -- web-2                              kill a node and watch it heal
  node dist/cli/bin.js -c examples/local/escalator.yaml status
  node dist/cli/bin.js -c examples/local/escalator.yaml history
Ctrl-C stops the daemon and the demo nodes.
`);

const daemon = spawn(
  process.execPath,
  [bin, "-c", join(demoDir, "escalator.yaml"), "run", ...process.argv.slice(2)],
  {
    stdio: "inherit",
  },
);
// Ctrl-C and a closed terminal reach the daemon directly (same process group); SIGTERM sent to us alone is passed on.
process.on("SIGINT", () => {});
process.on("SIGHUP", () => {});
process.on("SIGTERM", () => daemon.kill("SIGTERM"));
daemon.on("exit", (code) => {
  stopDemoNodes();
  process.exit(code ?? 0);
});
