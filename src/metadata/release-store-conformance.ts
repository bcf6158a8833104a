/**
 * @module
 * The conformance suite of the release metadata port. Every database
 * implementation joins it from its own test file with a factory for a fresh
 * store whose database already holds the application namespaces `app-a` and
 * `app-b`.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { NewRelease, ReleaseStore } from "./releases-metadata.ts";

/** A fresh store over a database with namespaces `app-a` and `app-b`, and how to dispose of it. */
export interface ReleaseStoreFixture {
  readonly store: ReleaseStore;
  readonly cleanup: () => Promise<void>;
}

const release = (appSlug: string, version: string, extra: Partial<NewRelease> = {}): NewRelease => ({
  appSlug,
  version,
  channels: ["stable"],
  images: [
    { name: "api", source: appSlug, tag: "1.0", digest: `sha256:${"a".repeat(64)}` },
    { name: "acme/db", source: "quay", digest: `sha256:${"b".repeat(64)}` },
  ],
  createdAt: 1000,
  ...extra,
});

/** Registers the suite under `describe(name)`. */
export function runReleaseStoreConformance(name: string, create: () => Promise<ReleaseStoreFixture>): void {
  describe(`release store conformance: ${name}`, async () => {
    const { store: s, cleanup } = await create();
    after(cleanup);

    it("stores a release with its channels and images as given", async () => {
      const created = await s.createRelease(release("app-a", "1.0.0"));
      assert.deepEqual(created, { id: created.id, ...release("app-a", "1.0.0") });
      assert.deepEqual(await s.findRelease("app-a", "1.0.0"), created);
      assert.equal(await s.findRelease("app-a", "9.9.9"), undefined);
      assert.equal(await s.findRelease("app-b", "1.0.0"), undefined);
    });

    it("keeps versions unique per application only", async () => {
      await assert.rejects(s.createRelease(release("app-a", "1.0.0", { channels: [] })));
      const other = await s.createRelease(release("app-b", "1.0.0", { channels: [] }));
      assert.deepEqual(other.channels, []);
      await assert.rejects(s.createRelease(release("no-such-app", "1.0.0")), "a release needs an existing namespace");
    });

    it("lists an application's releases oldest first", async () => {
      await s.createRelease(release("app-a", "0.9.0", { createdAt: 2000, channels: ["beta", "edge"] }));
      const listed = await s.listReleases("app-a");
      assert.deepEqual(
        listed.map((r) => [r.version, r.channels]),
        [
          ["1.0.0", ["stable"]],
          ["0.9.0", ["beta", "edge"]],
        ],
      );
      assert.deepEqual(await s.listReleases("app-c"), []);
    });
  });
}
