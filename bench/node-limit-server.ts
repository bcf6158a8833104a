/**
 * @module
 * The "Node limit": a bare `node:http` server that answers every GET with one
 * file streamed by `fs.createReadStream` (256 KiB reads) — what Node itself
 * serves on this machine, with no registry around it. Started by the benchmark
 * as a child process: `node bench/node-limit-server.ts FILE PORT`; prints
 * `listening on http://127.0.0.1:PORT` when ready.
 */
import { createReadStream, statSync } from "node:fs";
import http from "node:http";
import { pipeline } from "node:stream";

const [file, port] = process.argv.slice(2);
if (!file || !port) {
  console.error("usage: node bench/node-limit-server.ts FILE PORT");
  process.exit(2);
}
const size = statSync(file).size;
const server = http.createServer((req, res) => {
  if (req.method !== "GET") {
    res.writeHead(405).end();
    return;
  }
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": size });
  pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), res, () => {});
});
server.listen(Number(port), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}`));
process.once("SIGTERM", () => server.close(() => process.exit(0)));
