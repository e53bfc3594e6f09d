// Level "node": (re)starts the web node for one target and waits until it listens.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { parseTarget, pidFile } from "./demo-paths.mjs";

const { host, port } = parseTarget(process.argv[2]);

try {
  const old = Number(readFileSync(pidFile(port), "utf8"));
  process.kill(old, "SIGKILL");
  console.log(`stopped old node pid ${old}`);
} catch {}

const child = spawn(
  process.execPath,
  [fileURLToPath(new URL("./node-server.mjs", import.meta.url)), String(port)],
  {
    detached: true,
    stdio: "ignore",
  },
);
child.unref();
writeFileSync(pidFile(port), String(child.pid));
console.log(`started node ${host}:${port} as pid ${child.pid}`);

const listening = () =>
  new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
for (let i = 0; i < 50; i++) {
  if (await listening()) process.exit(0);
  await new Promise((r) => setTimeout(r, 100));
}
console.error(`node ${host}:${port} did not start listening within 5s`);
process.exit(1);
