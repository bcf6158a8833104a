/**
 * @module
 * Sendfile through a reverse proxy (issue 15, item 4): Wharf behind Debian's
 * nginx with `storage.filesystem.offload: x-accel-redirect`
 * (examples/nginx/wharf.conf) against CNCF Distribution 2.8.2, with `curl`
 * clients (1 and 8 concurrent, median of 3) on one 512 MiB blob: plain HTTP
 * (nginx sends the file, Distribution serves directly), and with TLS at
 * nginx for both (the real deployment; Distribution behind the same nginx as
 * a plain proxy). The certificate is self-signed, made here with openssl,
 * and given to curl through CURL_CA_BUNDLE. `--only offload`.
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { closeClient, createClient } from "./client.ts";
import { medianCurlPull } from "./curl-pull.ts";
import { BIG_BLOB_SIZE, writeRandomFile } from "./fixtures.ts";
import { type Managed, spawnManaged } from "./proc.ts";
import { pushMonolithic } from "./registry-ops.ts";
import { freePort, type RunningServer, startDistribution, startWharf } from "./servers.ts";
import { message } from "./session.ts";
import { randomPassword } from "./wharf-auth.ts";

const NGINX = "/usr/sbin/nginx";
const REPO = "bench/offload";

/** One measured pair: Wharf's figure and Distribution's (MB/s) or an error. */
export interface OffloadRow {
  readonly label: string;
  readonly wharf: number | string;
  readonly distribution: number | string;
  readonly target: number;
}

function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, "bench.crt");
  const key = join(dir, "bench.key");
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"],
      ...["-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}

/** nginx with three servers: Wharf plain, Wharf TLS (both the shipped example), Distribution TLS. */
async function nginxConfig(
  root: string,
  dir: string,
  ports: { plain: number; tls: number; dist: number },
  wharf: string,
  dist: string,
  storage: string,
) {
  const { cert, key } = selfSigned(dir);
  const example = await readFile(join(root, "examples", "nginx", "wharf.conf"), "utf8");
  const wharfServer = (listen: string, tls: boolean) =>
    example
      .replace(/upstream wharf \{[\s\S]*?\}\n/, "")
      .replace(/listen 443 ssl http2;.*\n/, `listen ${listen};\n`)
      .replace(/^\s*ssl_certificate .*\n/m, tls ? `    ssl_certificate ${cert};\n` : "")
      .replace(/^\s*ssl_certificate_key .*\n/m, tls ? `    ssl_certificate_key ${key};\n` : "")
      .replace(/^\s*ssl_protocols .*\n/m, tls ? "    ssl_protocols TLSv1.2 TLSv1.3;\n" : "")
      .replace("alias /var/lib/wharf/blobs/;", `alias ${storage}/;`);
  return [
    "daemon off;",
    ...(process.getuid?.() === 0 ? ["user root;"] : []),
    "worker_processes auto;",
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    "events { worker_connections 256; }",
    "http {",
    "  access_log off;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((name) => `  ${name}_temp_path ${dir}/${name};`),
    `  upstream wharf { server ${wharf}; keepalive 32; }`,
    wharfServer(`127.0.0.1:${ports.plain}`, false),
    wharfServer(`127.0.0.1:${ports.tls} ssl`, true),
    "  server {",
    `    listen 127.0.0.1:${ports.dist} ssl;`,
    `    ssl_certificate ${cert};`,
    `    ssl_certificate_key ${key};`,
    "    client_max_body_size 0; proxy_buffering off; proxy_request_buffering off;",
    `    location / { proxy_pass http://${dist}; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $http_host; }`,
    "  }",
    "}",
    "",
  ].join("\n");
}

async function pull(url: string, size: number, concurrency: number): Promise<number | string> {
  try {
    const value = await medianCurlPull(url, {}, size, concurrency, 3);
    console.log(`    ${url.replace(/\/v2.*/, "")} ×${concurrency}: ${value.toFixed(0)} MB/s`);
    return value;
  } catch (error) {
    return message(error);
  }
}

/** Measures the offload rows; `workDir` holds the data, nginx's files and the certificate. */
export async function benchOffload(root: string, workDir: string): Promise<OffloadRow[]> {
  const blob = await writeRandomFile(join(workDir, "offload.bin"), BIG_BLOB_SIZE);
  const wharfData = join(workDir, "offload-wharf");
  const servers: RunningServer[] = [];
  let nginx: Managed | undefined;
  try {
    const wharf = await startWharf(wharfData, {
      root,
      extraArgs: [],
      auth: false,
      authPlan: { password: randomPassword(), repositories: [] },
      env: { WHARF_STORAGE__FILESYSTEM__OFFLOAD: "x-accel-redirect" },
    });
    servers.push(wharf);
    const dist = await startDistribution(join(workDir, "offload-distribution"));
    servers.push(dist);
    for (const server of servers) {
      const client = createClient(server.url);
      await pushMonolithic(client, REPO, blob);
      closeClient(client);
    }
    const ports = { plain: await freePort(), tls: await freePort(), dist: await freePort() };
    const host = (url: string) => url.replace(/^https?:\/\//, "");
    await writeFile(
      join(workDir, "nginx.conf"),
      await nginxConfig(root, workDir, ports, host(wharf.url), host(dist.url), join(wharfData, "blobs")),
    );
    nginx = spawnManaged(NGINX, ["-p", workDir, "-c", join(workDir, "nginx.conf")], workDir);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    process.env.CURL_CA_BUNDLE = join(workDir, "bench.crt");
    const path = `/v2/${REPO}/blobs/${blob.digest}`;
    const rows: OffloadRow[] = [];
    for (const concurrency of [1, 8]) {
      rows.push({
        label: `pull 512 MiB, ${concurrency} curl, plain HTTP (Wharf + nginx offload vs Distribution direct)`,
        wharf: await pull(`http://127.0.0.1:${ports.plain}${path}`, blob.size, concurrency),
        distribution: await pull(`${dist.url}${path}`, blob.size, concurrency),
        target: 0.9,
      });
    }
    for (const concurrency of [1, 8]) {
      rows.push({
        label: `pull 512 MiB, ${concurrency} curl, TLS at nginx for both`,
        wharf: await pull(`https://127.0.0.1:${ports.tls}${path}`, blob.size, concurrency),
        distribution: await pull(`https://127.0.0.1:${ports.dist}${path}`, blob.size, concurrency),
        target: 1.0,
      });
    }
    return rows;
  } finally {
    delete process.env.CURL_CA_BUNDLE;
    await nginx?.stop();
    for (const server of servers) await server.process.stop();
  }
}

/** The markdown lines of the offload rows. */
export function renderOffloadRows(rows: readonly OffloadRow[]): string[] {
  const cell = (v: number | string) => (typeof v === "number" ? v.toFixed(0) : `error: ${v}`);
  const lines = [
    "",
    "Sendfile through nginx (`--only offload`, bench/offload-bench.ts): Wharf (auth off, default workers) behind Debian nginx with `storage.filesystem.offload: x-accel-redirect` and examples/nginx/wharf.conf (`worker_processes auto`) vs Distribution 2.8.2; curl clients, median of 3; TLS rows: a self-signed certificate (openssl) at nginx for both, Distribution behind nginx as a plain proxy.",
    "",
    "| workload | Wharf + nginx, MB/s | Distribution, MB/s | Wharf ÷ Distribution | target |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const row of rows) {
    const ratio =
      typeof row.wharf === "number" && typeof row.distribution === "number" ? row.wharf / row.distribution : undefined;
    lines.push(
      `| ${row.label} | ${cell(row.wharf)} | ${cell(row.distribution)} | ${ratio === undefined ? "—" : `${ratio.toFixed(2)}×`} | ≥ ${row.target}× ${ratio === undefined ? "" : ratio >= row.target ? "met" : "MISSED"} |`,
    );
  }
  return lines;
}
