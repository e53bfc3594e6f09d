import { freePort } from "./free-port.js";
import { type StartedProcess, startProcess } from "./start-process.js";

export interface ReadyServer {
  url: string;
  port: number;
  process: StartedProcess;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts a server binary on a free loopback port and polls `GET /-/ready` until it answers 200
 * (Prometheus and Alertmanager both serve it). A port taken between choosing and binding is
 * retried with another port.
 */
export async function startReadyServer(
  name: string,
  argvFor: (listenAddress: string) => string[],
  timeoutMs = 20_000,
): Promise<ReadyServer> {
  let lastOutput = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const started = startProcess(argvFor(`127.0.0.1:${port}`));
    const server = stoppable(started, `http://127.0.0.1:${port}`, port);
    const outcome = await waitReady(started, server.url, timeoutMs);
    if (outcome === "ready") return server;
    await server.stop();
    lastOutput = started.output();
    if (outcome === "exited" && /address already in use/i.test(lastOutput)) continue;
    throw new Error(
      `${name} ${outcome === "exited" ? "exited" : `was not ready after ${timeoutMs}ms`}:\n${lastOutput}`,
    );
  }
  throw new Error(`${name} could not bind a free port:\n${lastOutput}`);
}

function stoppable(started: StartedProcess, url: string, port: number): ReadyServer {
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    process: started,
    stop() {
      stopping ??= (async () => {
        const killer = setTimeout(() => started.child.kill("SIGKILL"), 5000);
        await started.stop("SIGTERM");
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}

async function waitReady(
  started: StartedProcess,
  url: string,
  timeoutMs: number,
): Promise<"ready" | "exited" | "timeout"> {
  const deadline = Date.now() + timeoutMs;
  const { child } = started;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return "exited";
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return "ready";
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return "timeout";
}
