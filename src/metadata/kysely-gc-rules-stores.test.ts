/**
 * @module
 * Migration 0014's stores on every metadata backend: immutable tag rules
 * (added once, listed by target, removed), a quota's warning threshold and
 * its compare-and-set warning state, tag pull times that only move forward.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createGcMetadata } from "./kysely-gc-metadata.ts";
import { createImmutableTagMetadata } from "./kysely-immutable-tag-metadata.ts";
import { createQuotaMetadata } from "./kysely-quota-metadata.ts";
import { createRegistryMetadata } from "./kysely-registry-metadata.ts";
import { createTagPullStore } from "./kysely-tag-pull-store.ts";
import { forEachMetadataBackend, type MetadataDatabase } from "./testing/metadata-backends.ts";

forEachMetadataBackend((backend) =>
  describe(backend.name, () => {
    let opened: MetadataDatabase;
    before(async () => {
      opened = await backend.create();
    });
    after(async () => {
      await opened?.cleanup();
    });

    it("stores immutable tag rules once per target and pattern", async () => {
      const rules = createImmutableTagMetadata(opened.db, () => 5);
      assert.equal(await rules.addRule("shop", "v*"), true);
      assert.equal(await rules.addRule("shop", "v*"), false);
      await rules.addRule("shop/api", "stable");
      await rules.addRule("other", "*");
      assert.deepEqual(await rules.rules(["shop", "shop/api"]), [
        { target: "shop", pattern: "v*", createdAt: 5 },
        { target: "shop/api", pattern: "stable", createdAt: 5 },
      ]);
      assert.equal((await rules.rules()).length, 3);
      assert.deepEqual(await rules.rules([]), []);
      assert.equal(await rules.removeRule("shop", "v*"), true);
      assert.equal(await rules.removeRule("shop", "v*"), false);
    });

    it("keeps a quota's threshold and flips its warning state once", async () => {
      const quotas = createQuotaMetadata(opened.db, () => 7);
      await quotas.setLimit("ns", 1000);
      assert.deepEqual(await quotas.quota("ns"), {
        namespace: "ns",
        maxBytes: 1000,
        warnPercent: undefined,
        warnedAt: undefined,
      });
      await quotas.setLimit("ns", 2000, 90);
      await quotas.setLimit("ns", 3000);
      assert.equal((await quotas.quota("ns"))?.warnPercent, 90, "a set without a threshold keeps it");
      assert.equal(await quotas.markWarned("ns", 11), true);
      assert.equal(await quotas.markWarned("ns", 12), false, "already warned");
      assert.equal((await quotas.quota("ns"))?.warnedAt, 11);
      assert.equal(await quotas.markWarned("ns", undefined), true);
      assert.equal(await quotas.markWarned("ns", undefined), false);
      await quotas.setLimit("ns", 3000, null);
      assert.equal((await quotas.quota("ns"))?.warnPercent, undefined);
    });

    it("raises a tag's pull time, never lowers it, and reads it back for the collector", async () => {
      const registry = createRegistryMetadata(opened.db, () => 1);
      const body = Buffer.from(
        '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}',
      );
      const digest = `sha256:${"ab".repeat(32)}`;
      const manifest = {
        digest,
        mediaType: "application/vnd.oci.image.index.v1+json",
        size: body.length,
        content: body,
      };
      await registry.putManifest("pulls/app", manifest, "1", { blobs: [], manifests: [] });
      const pulls = createTagPullStore(opened.db);
      await pulls.recordTagPulls([
        { repository: "pulls/app", tag: "1", at: 500 },
        { repository: "pulls/app", tag: "missing", at: 500 },
        { repository: "nowhere/app", tag: "1", at: 500 },
      ]);
      await pulls.recordTagPulls([{ repository: "pulls/app", tag: "1", at: 400 }]);
      const gc = createGcMetadata(opened.db);
      const repo = (await gc.repositories(0, 100)).find((r) => r.name === "pulls/app")!;
      const { tags } = await gc.contents(repo.id);
      assert.deepEqual(
        tags.map((t) => [t.name, t.pulledAt]),
        [["1", 500]],
      );
    });
  }),
);
