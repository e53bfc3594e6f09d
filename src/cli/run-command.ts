import type { Command } from "commander";
import type { RunOptions } from "./run-action.js";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run the daemon: observe checks, quiesce, escalate, verify, page when stuck")
    .option("--dry-run", "record plans but run no action")
    .option("--log-level <level>", "trace, debug, info, warn, error", "info")
    .option(
      "--listen <host:port>",
      "where the HTTP API listens (default: listen: in the config, 127.0.0.1:8470); port 0 picks a free one",
    )
    .addHelpText(
      "after",
      `
Logs are JSON lines (pino); on a terminal they are printed readably.
SIGTERM, SIGHUP or Ctrl-C: no new step starts, a running step may finish (up to its timeout).
A second signal kills the running step; a third exits at once.
Under systemd use KillMode=mixed and TimeoutStopSec at least your longest step timeout,
so the stop signal reaches the daemon and not the running step's processes.
Only one daemon may run an environment (a lock file beside the history database).
The HTTP API (status, checks, escalations, pause, resume, silences, approve, reject, ack,
Alertmanager intake, SSE events, /metrics) listens on --listen; changes need a bearer token
from api.token_file or $ESCALATOR_API_TOKEN. A non-loopback address without a token is refused.
The dashboard, a live status page, is served at / on the same address (http://127.0.0.1:8470/
by default); with repo: in the config it also shows the Yumtags repository's tags and channels.

Examples:
  escalator run
  escalator -c /etc/escalator/shop.yaml run --dry-run
  escalator run | tee -a escalator.log
  ESCALATOR_API_TOKEN=s3cret escalator run --listen 0.0.0.0:8470`,
    )
    .action(async (options: RunOptions, command: Command) => {
      const { runDaemon } = await import("./run-action.js");
      await runDaemon(options, command);
    });
}
