// One demo web node: serves the deployed release on 127.0.0.1:PORT.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { releaseFile } from "./demo-paths.mjs";

const port = Number(process.argv[2]);
const server = createServer((_request, response) => {
  let release;
  try {
    release = readFileSync(releaseFile, "utf8").trim();
  } catch {
    response.writeHead(503, { "content-type": "text/plain" }).end("nothing deployed yet\n");
    return;
  }
  response.writeHead(200, { "content-type": "text/plain" }).end(`node :${port} serves release ${release}\n`);
});
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
