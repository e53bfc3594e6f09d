import { writeFileSync } from "node:fs";
import { BIN, type StartedProcess, startProcess } from "./start-process.js";

/**
 * Writes an environment whose per-target `node` level records each target it runs for in
 * `ranFile`, with NodeDown alerts routed to it, then starts its daemon with an API token on a
 * free port. Resolves when the API listens, with the daemon and the API's base URL.
 */
export async function startAlertingDaemon(options: {
  config: string;
  environment: string;
  ranFile: string;
  token: string;
  extra?: string;
}): Promise<{ daemon: StartedProcess; base: string }> {
  writeFileSync(
    options.config,
    `environment: ${options.environment}
quiescence: 1s
cycle_backoff: { initial: 10m, max: 10m }
${options.extra ?? ""}
targets:
  web: [node-a, node-b, node-c]
levels:
  - name: node
    for_each: web
    run: [node, -e, "require('fs').appendFileSync(process.argv[1], process.argv[2] + '\\\\n')", ${JSON.stringify(options.ranFile)}, "{{target}}"]
alerts:
  - match: { alertname: NodeDown }
    level: node
    target_label: instance
`,
  );
  const daemon = startProcess(
    [process.execPath, BIN, "-c", options.config, "run", "--listen", "127.0.0.1:0"],
    {
      env: { ESCALATOR_API_TOKEN: options.token },
    },
  );
  await daemon.waitFor(/API listening/);
  return { daemon, base: `http://127.0.0.1:${/"port":(\d+)/.exec(daemon.output())?.[1]}` };
}
