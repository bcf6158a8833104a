/**
 * @module
 * The malformed inputs of the fuzz campaign: from a seeded random source,
 * one request at a time against the registry API (names, digests, ranges,
 * chunk orders, manifests), auth headers, the token endpoint and the
 * management API. Path parameters of management calls are random names, so
 * the fuzzer never deletes or changes what it relies on (`acme`, `admin`).
 */
import type { Random } from "./campaign-kit.ts";

/** One request to send: a path under the server's URL and its init. */
export interface FuzzRequest {
  readonly category: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
  /** Send with the admin's credentials (else only `headers`). */
  readonly admin: boolean;
}

const hex = "0123456789abcdef";
const printable = (random: Random, length: number) =>
  Array.from({ length }, () => String.fromCharCode(random.int(0x20, 0x7e))).join("");
const hexString = (random: Random, length: number) => Array.from({ length }, () => random.pick([...hex])).join("");

function weirdName(random: Random): string {
  return random.pick([
    "shop/UPPER",
    "shop/..",
    "shop/%2e%2e/x",
    "shop//double",
    "shop/a%2Fb",
    `shop/${"a".repeat(random.int(200, 5000))}`,
    "shop/ünïcode",
    "shop/-lead",
    "shop/trail-",
    "shop/a__b",
    "",
    "shop",
    "/",
    "shop/%00",
    "shop/a%20b",
    `shop/${encodeURIComponent(printable(random, random.int(1, 30)))}`,
    `${encodeURIComponent(printable(random, random.int(1, 12)))}/${encodeURIComponent(printable(random, random.int(1, 12)))}`,
    "proxy/nowhere/x",
    "shop/base",
  ]);
}

function weirdDigest(random: Random): string {
  return random.pick([
    "sha256:",
    `sha256:${hexString(random, 63)}`,
    `sha256:${hexString(random, 65)}`,
    `sha256:${hexString(random, 64).toUpperCase()}`,
    `sha512:${hexString(random, 128)}`,
    `sha512:${hexString(random, 12)}`,
    `md5:${hexString(random, 32)}`,
    `sha256:${hexString(random, 64)}`,
    hexString(random, 64),
    `sha256:${"z".repeat(64)}`,
    `${encodeURIComponent(printable(random, random.int(1, 80)))}`,
    `sha256:${hexString(random, 64)}${"0".repeat(random.int(1, 10_000))}`,
  ]);
}

function weirdJson(random: Random, depth = 0): unknown {
  const choice = random.int(0, depth > 3 ? 5 : 8);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return random.int(-(2 ** 31), 2 ** 31) * random.pick([1, 1e10, -1e300, 0.5]);
    case 2:
      return printable(random, random.int(0, 64));
    case 3:
      return "x".repeat(random.int(1000, 100_000));
    case 4:
      return random.next() < 0.5;
    case 5:
      return `sha256:${hexString(random, 64)}`;
    case 6:
      return Array.from({ length: random.int(0, 5) }, () => weirdJson(random, depth + 1));
    default: {
      const keys = [
        "schemaVersion",
        "mediaType",
        "config",
        "layers",
        "manifests",
        "subject",
        "digest",
        "size",
        "name",
        "password",
        "slug",
        "grace",
        "dryRun",
        "annotations",
        "__proto__",
        "constructor",
        printable(random, 5),
      ];
      return Object.fromEntries(
        Array.from({ length: random.int(0, 6) }, () => [random.pick(keys), weirdJson(random, depth + 1)]),
      );
    }
  }
}

function weirdBody(random: Random): string {
  return random.pick([
    () => JSON.stringify(weirdJson(random)),
    () => printable(random, random.int(0, 200)),
    () => "{".repeat(random.int(1, 100_000)),
    () => `[${"[".repeat(5000)}`,
    () =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: weirdJson(random),
        layers: weirdJson(random),
      }),
    () =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [
          {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            digest: `sha256:${hexString(random, 64)}`,
            size: random.int(-5, 1e9),
          },
        ],
      }),
    () =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: weirdDigest(random), size: -1 },
        layers: [],
        subject: { digest: weirdDigest(random), size: 1, mediaType: "x" },
      }),
    () => "",
  ])();
}

function authHeader(random: Random): Record<string, string> {
  const base64 = (text: string) => Buffer.from(text).toString("base64");
  const jwtPart = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const value = random.pick([
    () => `Basic ${printable(random, random.int(0, 40))}`,
    () => `Basic ${base64(printable(random, random.int(0, 40)))}`,
    () => `Basic ${base64("admin")}`,
    () => `Basic ${base64(`admin:${printable(random, 10)}`)}`,
    () => `Basic ${base64(`${"u".repeat(random.int(100, 8000))}:x`)}`,
    () => `Bearer ${printable(random, random.int(0, 200))}`,
    () =>
      `Bearer ${jwtPart({ alg: "none", typ: "JWT" })}.${jwtPart({ sub: "admin", access: [{ type: "repository", name: "shop/base", actions: ["*"] }] })}.`,
    () =>
      `Bearer ${jwtPart({ alg: "HS256", kid: printable(random, 8) })}.${jwtPart(weirdJson(random))}.${hexString(random, 43)}`,
    () => `Bearer a.b.c`,
    () => `Negotiate ${base64(printable(random, 20))}`,
    () => "Basic",
    () => "",
    () => `${"Bearer ".repeat(random.int(1, 50))}x`,
  ])();
  return value === "" ? {} : { authorization: value };
}

const ranges = [
  "bytes=5-2",
  "bytes=-",
  "bytes=99999999999-",
  "items=0-1",
  "bytes=0-1,3-4",
  "bytes=-0",
  "bytes=abc",
  "bytes=0-",
  "bytes=1-1",
  "bytes=18446744073709551616-",
];
const managementPaths = [
  "/orgs",
  "/orgs/{x}",
  "/orgs/{x}/apps",
  "/orgs/{x}/robots",
  "/orgs/{x}/teams",
  "/orgs/{x}/teams/{x}",
  "/orgs/{x}/members/{x}",
  "/users",
  "/users/{x}/password",
  "/users/{x}/disable",
  "/tokens",
  "/tokens/{x}",
  "/quotas/{x}",
  "/repositories/shop/{x}/grants",
  "/repositories/shop/{x}/visibility",
  "/namespaces/{x}/visibility",
  "/gc",
  "/login",
  "/user/password",
  "/audit?limit={x}",
  "/repositories?cursor={x}",
  "/licenses/{x}",
  "/{x}",
];

/** The next malformed request. */
export function nextFuzzRequest(random: Random): FuzzRequest {
  const admin = random.next() < 0.6;
  const category = random.pick(["name", "digest", "range", "chunks", "manifest", "auth", "token", "management"]);
  switch (category) {
    case "name":
      return {
        category,
        admin,
        method: random.pick(["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"]),
        path: `/v2/${weirdName(random)}/${random.pick(["manifests/latest", "blobs/uploads/", "tags/list?n=-1", `blobs/sha256:${hexString(random, 64)}`, "referrers/x"])}`,
        headers: {},
        body: random.next() < 0.3 ? weirdBody(random) : undefined,
      };
    case "digest":
      return {
        category,
        admin,
        method: random.pick(["GET", "HEAD", "DELETE"]),
        path: `/v2/shop/base/${random.pick(["blobs", "manifests", "referrers"])}/${weirdDigest(random)}`,
        headers: {},
      };
    case "range":
      return {
        category,
        admin,
        method: "GET",
        path: "/v2/shop/base/blobs/{layer}",
        headers: { range: random.pick(ranges) },
      };
    case "chunks":
      return { category, admin: true, method: "CHUNKS", path: "/v2/shop/fuzz/blobs/uploads/", headers: {} };
    case "manifest":
      return {
        category,
        admin,
        method: "PUT",
        path: `/v2/shop/fuzz/manifests/${random.pick(["latest", "-bad", "a".repeat(200), `sha256:${hexString(random, 64)}`, "v1"])}`,
        headers: {
          "content-type": random.pick([
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
            "application/json",
            "text/plain",
            "application/vnd.docker.distribution.manifest.v2+json",
            printable(random, 20),
          ]),
        },
        body: weirdBody(random),
      };
    case "auth":
      return {
        category,
        admin: false,
        method: random.pick(["GET", "PUT", "POST"]),
        path: random.pick([
          "/v2/",
          "/v2/shop/base/manifests/latest",
          "/v2/shop/base/blobs/uploads/",
          "/api/v1/user",
          "/api/v1/orgs",
        ]),
        headers: authHeader(random),
      };
    case "token": {
      const scope = random.pick([
        "repository:shop/base:pull",
        "repository:shop/base:*",
        "repository::pull",
        "repository:shop/base",
        ":::",
        "registry:catalog:*",
        `repository:${printable(random, 30)}:push`,
        "x".repeat(random.int(1, 10_000)),
      ]);
      return {
        category,
        admin: false,
        method: random.pick(["GET", "POST"]),
        path: `/auth/token?service=${encodeURIComponent(printable(random, 10))}&scope=${encodeURIComponent(scope)}&scope=${encodeURIComponent(scope)}&account=${encodeURIComponent(printable(random, 10))}`,
        headers: authHeader(random),
        body: undefined,
      };
    }
    default: {
      const name = encodeURIComponent(
        random.pick([printable(random, random.int(1, 20)), "a".repeat(300), "%", "..", `fz-${hexString(random, 6)}`]),
      );
      const path = `/api/v1${random.pick(managementPaths).replaceAll("{x}", name)}`;
      const method = random.pick(["GET", "POST", "PUT", "PATCH", "DELETE"]);
      return {
        category,
        admin,
        method,
        path,
        headers: {
          "content-type": random.pick(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
        },
        body: method === "GET" ? undefined : weirdBody(random),
      };
    }
  }
}
