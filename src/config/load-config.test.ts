import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { formatDuration } from "./config-schema.ts";
import { ConfigError, environmentOverrides, loadConfig } from "./load-config.ts";
import { durationPaths } from "./schema-keys.ts";

const examples = join(import.meta.dirname, "..", "..", "examples", "config");

describe("loadConfig", () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), "wharf-config-test-"));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("runs on defaults with no file and no environment", async () => {
    const config = await loadConfig({ env: {} });
    assert.equal(config.listen, "0.0.0.0:5000");
    assert.equal(config.dataDir, "./data");
    assert.equal(config.auth.enabled, true);
    assert.equal(config.uploads.expireAfter, 86_400_000);
    assert.equal(config.database.sqlite.synchronous, "full");
    assert.equal(config.proxy.tagTtl, 300_000);
    assert.equal(config.proxy.upstreamTimeout, 10_000);
  });

  it("accepts every example configuration", async () => {
    for (const file of await readdir(examples)) {
      await loadConfig({ file: join(examples, file), env: {} });
    }
  });

  it("applies WHARF_* overrides over the file, and flags over both", async () => {
    const file = join(scratch, "config.yaml");
    await writeFile(file, "listen: 127.0.0.1:6000\nlog:\n  level: warn\n");
    const config = await loadConfig({
      file,
      env: { WHARF_LOG__LEVEL: "debug", WHARF_UPLOADS__EXPIRE_AFTER: "2h", WHARF_AUTH__ENABLED: "false" },
      overrides: { listen: "127.0.0.1:7000" },
    });
    assert.equal(config.listen, "127.0.0.1:7000");
    assert.equal(config.log.level, "debug");
    assert.equal(config.uploads.expireAfter, 7_200_000);
    assert.equal(config.auth.enabled, false);
  });

  it("maps nested, camel-cased keys and ignores the reserved secrets", () => {
    assert.deepEqual(
      environmentOverrides({
        WHARF_DATABASE__SQLITE__SYNCHRONOUS: "normal",
        WHARF_MASTER_KEY: "x",
        WHARF_ADMIN_PASSWORD: "y",
      }),
      { database: { sqlite: { synchronous: "normal" } } },
    );
  });

  it("lists every problem, with its key, and refuses unknown keys", async () => {
    const file = join(scratch, "bad.yaml");
    await writeFile(file, "listen: nowhere\nbogus: 1\nuploads:\n  expireAfter: soon\n");
    await assert.rejects(loadConfig({ file, env: {} }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /listen: expected HOST:PORT/);
      assert.match(error.message, /bogus: unknown key; allowed here: listen, dataDir/);
      assert.match(error.message, /uploads\.expireAfter: expected a duration/);
      return true;
    });
  });

  it("says clearly when the file is missing or not YAML", async () => {
    await assert.rejects(loadConfig({ file: "/nonexistent/wharf.yaml", env: {} }), /cannot read configuration file/);
    const file = join(scratch, "notyaml.yaml");
    await writeFile(file, "a: [unclosed\n");
    await assert.rejects(loadConfig({ file, env: {} }), /is not valid YAML/);
  });

  it("reads outbound.allow as a list or a comma-separated WHARF_OUTBOUND__ALLOW, refusing entries that are not ranges", async () => {
    assert.deepEqual((await loadConfig({ env: {} })).outbound.allow, []);
    const fromEnv = await loadConfig({ env: { WHARF_OUTBOUND__ALLOW: "10.20.0.0/16, fd00::/8,192.0.2.7" } });
    assert.deepEqual(fromEnv.outbound.allow, ["10.20.0.0/16", "fd00::/8", "192.0.2.7"]);
    const fromFile = await loadConfig({ env: {}, overrides: { outbound: { allow: ["127.0.0.1/32"] } } });
    assert.deepEqual(fromFile.outbound.allow, ["127.0.0.1/32"]);
    await assert.rejects(
      loadConfig({ env: {}, overrides: { outbound: { allow: ["10.0.0.0/8", "intranet.local", "10.0.0.0/40"] } } }),
      (error: Error) =>
        error instanceof ConfigError &&
        error.message.includes('outbound.allow.1: "intranet.local" is not an address range') &&
        error.message.includes('outbound.allow.2: "10.0.0.0/40" is not an address range'),
    );
  });

  it("refuses ports outside 1-65535 (0: any free port) and non-http public URLs, up front", async () => {
    await assert.rejects(
      loadConfig({ env: {}, overrides: { listen: "127.0.0.1:80000" } }),
      /listen: the port must be between 1 and 65535/,
    );
    assert.equal((await loadConfig({ env: {}, overrides: { listen: "127.0.0.1:0" } })).listen, "127.0.0.1:0");
    await assert.rejects(loadConfig({ env: { WHARF_PUBLIC_URL: "ftp://x" } }), /publicUrl \(from WHARF_PUBLIC_URL\)/);
  });

  it("bounds durations, so an absurd one fails at start rather than in a token's expiry", async () => {
    await assert.rejects(
      loadConfig({ env: { WHARF_AUTH__TOKEN_TTL: "99999d" } }),
      /auth\.tokenTtl \(from WHARF_AUTH__TOKEN_TTL\): must be between 1s and 24h/,
    );
    await assert.rejects(loadConfig({ env: { WHARF_UPLOADS__EXPIRE_AFTER: "999d" } }), /between 1ms and 365d/);
  });

  it("names the variable a bad value came from and suggests the key it meant", async () => {
    await assert.rejects(loadConfig({ env: { WHARF_LOG__LEVL: "debug" } }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /log\.levl \(from WHARF_LOG__LEVL\): unknown key; did you mean WHARF_LOG__LEVEL\?/);
      return true;
    });
    const file = join(scratch, "typo.yaml");
    await writeFile(file, "auth:\n  tokenTTL: 5m\n");
    await assert.rejects(loadConfig({ file, env: {} }), /auth\.tokenTTL: unknown key; did you mean tokenTtl\?/);
  });

  it("writes durations back as a user writes them", () => {
    assert.deepEqual([86_400_000, 2 * 86_400_000, 300_000, 90_000, 250].map(formatDuration), [
      "24h",
      "2d",
      "5m",
      "90s",
      "250ms",
    ]);
    const paths = durationPaths().map((path) => path.join("."));
    for (const path of ["uploads.expireAfter", "auth.tokenTtl", "auth.refreshTtl"])
      assert.ok(paths.includes(path), path);
  });
});
