/**
 * @module
 * The conformance suite of the registry metadata port. Every database
 * implementation joins it from its own test file with a factory for a fresh,
 * empty store (SQLite now; PostgreSQL when it lands).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { digestOf } from "../digest/digest.ts";
import type { NewManifest, RegistryMetadata } from "./registry-metadata.ts";

/** A fresh store and how to dispose of it. */
export interface MetadataFixture {
  readonly metadata: RegistryMetadata;
  readonly cleanup: () => Promise<void>;
}

function manifest(text: string, extra: Partial<NewManifest> = {}): NewManifest {
  const content = Buffer.from(text);
  return {
    digest: digestOf(content),
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    size: content.length,
    content,
    ...extra,
  };
}

const blob = (n: number) => digestOf(Buffer.from(`blob ${n}`));

/** Registers the suite under `describe(name)`. */
export function runRegistryMetadataConformance(name: string, create: () => Promise<MetadataFixture>): void {
  describe(`registry metadata conformance: ${name}`, async () => {
    const { metadata: m, cleanup } = await create();
    after(cleanup);

    it("links blobs per repository and reports absence as undefined", async () => {
      assert.equal(await m.linkedBlob("a/one", blob(1)), undefined);
      await m.linkBlob("a/one", blob(1), 11);
      await m.linkBlob("a/one", blob(1), 11);
      assert.deepEqual(await m.linkedBlob("a/one", blob(1)), { size: 11 });
      assert.equal(await m.linkedBlob("a/two", blob(1)), undefined);
      assert.deepEqual(await m.storedBlob(blob(1)), { size: 11 });
      assert.deepEqual(await m.repositoriesLinking(blob(1), 10), ["a/one"]);
      assert.deepEqual(await m.missingBlobs("a/one", [blob(1), blob(2)]), [blob(2)]);
      assert.deepEqual(await m.missingBlobs("never", [blob(1)]), [blob(1)]);
      assert.equal(await m.unlinkBlob("a/one", blob(1)), true);
      assert.equal(await m.unlinkBlob("a/one", blob(1)), false);
      assert.deepEqual(await m.storedBlob(blob(1)), { size: 11 }, "bytes stay for GC");
    });

    it("stores manifests, moves tags, and deletes tags without their manifest", async () => {
      const first = manifest("first");
      const second = manifest("second");
      await m.putManifest("m/app", first, "latest");
      await m.putManifest("m/app", second, "latest");
      await m.putManifest("m/app", first, "v1");
      assert.equal((await m.getManifest("m/app", "latest"))?.digest, second.digest);
      assert.deepEqual(Buffer.from((await m.getManifest("m/app", first.digest))!.content), first.content);
      assert.equal(await m.getManifest("m/other", first.digest), undefined);
      assert.deepEqual(await m.missingManifests("m/app", [first.digest, blob(9)]), [blob(9)]);
      assert.equal(await m.deleteTag("m/app", "v1"), true);
      assert.equal(await m.getManifest("m/app", "v1"), undefined);
      assert.ok(await m.getManifest("m/app", first.digest));
      assert.equal(await m.deleteManifest("m/app", second.digest), true);
      assert.equal(await m.getManifest("m/app", "latest"), undefined, "a deleted manifest takes its tags");
      assert.equal(await m.deleteManifest("m/app", second.digest), false);
    });

    it("pages tags and repositories in lexical order", async () => {
      const body = manifest("paged");
      for (const tag of ["c", "a", "b", "d"]) await m.putManifest("p/app", body, tag);
      assert.deepEqual(await m.listTags("p/app", undefined, 10), ["a", "b", "c", "d"]);
      assert.deepEqual(await m.listTags("p/app", "b", 1), ["c"]);
      assert.deepEqual(await m.listTags("never", undefined, 10), []);
      const all = await m.listRepositories(undefined, 100);
      assert.deepEqual(all, [...all].sort());
      assert.deepEqual(await m.listRepositories(all[0], 1), [all[1]]);
      assert.equal(await m.repositoryExists("p/app"), true);
      assert.equal(await m.repositoryExists("never"), false);
    });

    it("deletes a whole repository, keeping the blobs for GC, and can recreate it", async () => {
      const body = manifest("doomed");
      await m.linkBlob("d/app", blob(7), 7);
      await m.putManifest("d/app", body, "1");
      await m.putManifest("d/app", body, "2");
      await m.linkBlob("d/keep", blob(7), 7);
      assert.deepEqual(await m.deleteRepository("d/app"), { tags: 2, manifests: 1 });
      assert.equal(await m.repositoryExists("d/app"), false);
      assert.equal(await m.getManifest("d/app", "1"), undefined);
      assert.deepEqual(await m.listTags("d/app", undefined, 10), []);
      assert.equal(await m.linkedBlob("d/app", blob(7)), undefined);
      assert.deepEqual(await m.linkedBlob("d/keep", blob(7)), { size: 7 }, "other repositories keep their links");
      assert.deepEqual(await m.storedBlob(blob(7)), { size: 7 }, "bytes stay for GC");
      assert.equal(await m.deleteRepository("d/app"), undefined);
      await m.putManifest("d/app", body, "again");
      assert.equal((await m.getManifest("d/app", "again"))?.digest, body.digest);
    });

    it("lists referrers of a subject, filtered by artifact type", async () => {
      const subject = manifest("subject");
      await m.putManifest("r/app", subject, "1");
      const sbom = manifest("sbom", {
        subjectDigest: subject.digest,
        artifactType: "application/spdx+json",
        annotations: { a: "1" },
      });
      const sig = manifest("sig", { subjectDigest: subject.digest, artifactType: "application/sig" });
      await m.putManifest("r/app", sbom, undefined);
      await m.putManifest("r/app", sig, undefined);
      const all = await m.listReferrers("r/app", subject.digest);
      assert.deepEqual(all.map((r) => r.digest).sort(), [sbom.digest, sig.digest].sort());
      const only = await m.listReferrers("r/app", subject.digest, "application/spdx+json");
      assert.deepEqual(only, [
        {
          digest: sbom.digest,
          mediaType: sbom.mediaType,
          size: sbom.size,
          artifactType: "application/spdx+json",
          annotations: { a: "1" },
        },
      ]);
      assert.deepEqual(await m.listReferrers("r/other", subject.digest), []);
    });
  });
}
