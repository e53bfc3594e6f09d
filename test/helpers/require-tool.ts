import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Where each tool comes from, so a skip message can name the Debian package. */
const PACKAGE_OF: Record<string, string> = {
  check_tcp: "monitoring-plugins-basic",
  check_http: "monitoring-plugins-basic",
  chromium: "chromium",
  ping: "iputils-ping",
  prometheus: "prometheus",
  "prometheus-alertmanager": "prometheus-alertmanager",
  rpmbuild: "rpm",
  rpm: "rpm",
  createrepo_c: "createrepo-c",
  dnf: "dnf",
  gpg: "gnupg",
};

const EXTRA_DIRS = ["/usr/lib/nagios/plugins", "/usr/lib/monitoring-plugins"];

/** Absolute path of a tool on PATH or in the Nagios plugin folders, or undefined. */
export function findTool(tool: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/**
 * The project's rule for system tools: under CI=true a missing tool fails the test;
 * elsewhere the caller skips with a message naming the package.
 * Returns the tool's path, or undefined when the test should skip.
 */
export function requireTool(tool: string): string | undefined {
  const found = findTool(tool);
  if (found) return found;
  const pkg = PACKAGE_OF[tool] ?? tool;
  const message = `${tool} not found: install the Debian package ${pkg} (apt-get install ${pkg})`;
  if (process.env.CI === "true") throw new Error(`${message}; CI must install it in .ci/run`);
  console.warn(`skipping: ${message}`);
  return undefined;
}
