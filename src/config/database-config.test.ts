/**
 * @module
 * The database keys: `database.driver: postgres` needs a URL, which comes
 * from the file or WHARF_DATABASE__POSTGRES__URL, and a bad URL is refused
 * without echoing its password.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "./load-config.ts";

describe("database configuration", () => {
  it("defaults to SQLite", async () => {
    const config = await loadConfig({ env: {} });
    assert.equal(config.database.driver, "sqlite");
    assert.equal(config.database.postgres.poolSize, 10);
  });

  it("takes the PostgreSQL URL from the environment", async () => {
    const url = "postgres://wharf:pw-123@db.internal:5432/wharf?sslmode=require";
    const config = await loadConfig({
      env: { WHARF_DATABASE__DRIVER: "postgres", WHARF_DATABASE__POSTGRES__URL: url },
    });
    assert.equal(config.database.driver, "postgres");
    assert.equal(config.database.postgres.url, url);
  });

  it("refuses postgres without a URL, naming the key and the variable", async () => {
    await assert.rejects(loadConfig({ env: { WHARF_DATABASE__DRIVER: "postgres" } }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /database\.postgres\.url: .*WHARF_DATABASE__POSTGRES__URL/);
      return true;
    });
  });

  it("refuses a URL of another scheme without showing its password", async () => {
    const env = { WHARF_DATABASE__DRIVER: "postgres", WHARF_DATABASE__POSTGRES__URL: "mysql://u:hunter2-secret@h/db" };
    await assert.rejects(loadConfig({ env }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /expected a URL such as postgres:\/\//);
      assert.ok(!error.message.includes("hunter2-secret"));
      return true;
    });
  });
});
