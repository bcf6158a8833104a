import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../config/load-config.ts";

describe("storage.s3 configuration", () => {
  it("is off by default and takes every key from WHARF_STORAGE__S3__*", async () => {
    assert.equal((await loadConfig({ env: {} })).storage.driver, "filesystem");
    const config = await loadConfig({
      env: {
        WHARF_STORAGE__DRIVER: "s3",
        WHARF_STORAGE__S3__BUCKET: "wharf-blobs",
        WHARF_STORAGE__S3__ENDPOINT: "http://127.0.0.1:9000",
        WHARF_STORAGE__S3__REGION: "eu-central-1",
        WHARF_STORAGE__S3__FORCE_PATH_STYLE: "true",
        WHARF_STORAGE__S3__ACCESS_KEY_ID: "key",
        WHARF_STORAGE__S3__SECRET_ACCESS_KEY: "secret",
        WHARF_STORAGE__S3__PREFIX: "wharf/prod/",
      },
    });
    assert.deepEqual(config.storage.s3, {
      bucket: "wharf-blobs",
      endpoint: "http://127.0.0.1:9000",
      region: "eu-central-1",
      forcePathStyle: true,
      accessKeyId: "key",
      secretAccessKey: "secret",
      prefix: "wharf/prod/",
    });
  });

  it("redirects only from an object store, with a bounded TTL", async () => {
    const defaults = await loadConfig({ env: {} });
    assert.equal(defaults.storage.redirect, false);
    assert.equal(defaults.storage.redirectTtl, 1_200_000);
    await assert.rejects(
      loadConfig({ env: { WHARF_STORAGE__REDIRECT: "true" } }),
      /storage\.redirect( \(from [A-Z0-9_]+\))?: storage\.redirect needs an object store .*set storage\.driver to s3/,
    );
    const s3 = { WHARF_STORAGE__DRIVER: "s3", WHARF_STORAGE__S3__BUCKET: "b-1", WHARF_STORAGE__REDIRECT: "true" };
    const config = await loadConfig({ env: { ...s3, WHARF_STORAGE__REDIRECT_TTL: "5m" } });
    assert.equal(config.storage.redirectTtl, 300_000);
    await assert.rejects(loadConfig({ env: { ...s3, WHARF_STORAGE__REDIRECT_TTL: "8d" } }), /at most 7d/);
  });

  it("says what to change when the S3 settings are incomplete or malformed", async () => {
    await assert.rejects(loadConfig({ env: { WHARF_STORAGE__DRIVER: "s3" } }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(
        error.message,
        /storage\.s3\.bucket( \(from [A-Z0-9_]+\))?: storage\.s3\.bucket is required when storage\.driver is s3/,
      );
      return true;
    });
    const env = {
      WHARF_STORAGE__DRIVER: "s3",
      WHARF_STORAGE__S3__BUCKET: "Bad_Bucket",
      WHARF_STORAGE__S3__ACCESS_KEY_ID: "only-the-key",
      WHARF_STORAGE__S3__PREFIX: "/abs/../x",
      WHARF_STORAGE__S3__ENDPOINT: "not a url",
      WHARF_STORAGE__S3__BOGUS: "1",
    };
    await assert.rejects(loadConfig({ env }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /storage\.s3\.bucket( \(from [A-Z0-9_]+\))?: expected an S3 bucket name/);
      assert.match(error.message, /set both accessKeyId and secretAccessKey, or neither/);
      assert.match(error.message, /storage\.s3\.prefix( \(from [A-Z0-9_]+\))?: expected folder names/);
      assert.match(error.message, /storage\.s3\.endpoint/);
      assert.match(error.message, /storage\.s3\.bogus \(from WHARF_STORAGE__S3__BOGUS\): unknown key/);
      return true;
    });
  });
});
