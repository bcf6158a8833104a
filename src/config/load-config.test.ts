import assert from "node:assert/strict";
import { readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, environmentOverrides, loadConfig } from "./load-config.ts";

const examples = join(import.meta.dirname, "..", "..", "examples", "config");

describe("loadConfig", () => {
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
    const file = join(tmpdir(), `wharf-config-${process.pid}.yaml`);
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
    const file = join(tmpdir(), `wharf-bad-${process.pid}.yaml`);
    await writeFile(file, "listen: nowhere\nbogus: 1\nuploads:\n  expireAfter: soon\n");
    await assert.rejects(loadConfig({ file, env: {} }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /listen: expected HOST:PORT/);
      assert.match(error.message, /Unrecognized key: "bogus"/);
      assert.match(error.message, /uploads\.expireAfter: expected a duration/);
      return true;
    });
  });

  it("says clearly when the file is missing or not YAML", async () => {
    await assert.rejects(loadConfig({ file: "/nonexistent/wharf.yaml", env: {} }), /cannot read configuration file/);
    const file = join(tmpdir(), `wharf-notyaml-${process.pid}.yaml`);
    await writeFile(file, "a: [unclosed\n");
    await assert.rejects(loadConfig({ file, env: {} }), /is not valid YAML/);
  });
});
