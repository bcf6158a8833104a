/**
 * @module
 * The registry metadata over Kysely, for SQLite and PostgreSQL alike.
 * A repository's id is looked up by name on every call (one indexed query,
 * compiled once): an id cached in one process would outlive a delete made by
 * another worker or node, and a later push of the same name would write
 * under the stale id while the others read the new one.
 */
import type { CompiledQuery, Kysely, Transaction } from "kysely";
import type { Database } from "./database-schema.ts";
import { createGroupCommit } from "./group-commit.ts";
import { listMarks, type QueryTemplate, queryTemplate } from "./query-template.ts";
import type {
  ManifestReferences,
  NewManifest,
  ReferrerRow,
  RegistryMetadata,
  StoredManifest,
} from "./registry-metadata.ts";
import { withoutCommitSync } from "./transactional-sqlite-dialect.ts";

const chunkSize = 500;

function isDigestReference(reference: string): boolean {
  return reference.startsWith("sha256:") || reference.startsWith("sha512:");
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += chunkSize) out.push(items.slice(at, at + chunkSize));
  return out;
}

/**
 * Creates the Kysely-backed registry metadata. `now` stamps rows (the
 * garbage collector compares these stamps with its own clock; tests move it).
 */
export function createRegistryMetadata(db: Kysely<Database>, now: () => number = Date.now): RegistryMetadata {
  const idByName = queryTemplate<{ id: number | bigint }>(
    db.selectFrom("repositories").select("id").where("name", "=", "\u0000name").compile(),
    ["\u0000name"],
  );
  const commitLink = createGroupCommit<PendingLink>((links) =>
    db.transaction().execute(async (trx) => {
      for (const link of links)
        link.refused = !(await insertLink(trx, link.repositoryId, link.digest, link.size, now()));
    }),
  );

  async function findId(name: string): Promise<number | undefined> {
    const row = (await db.executeQuery(idByName(name))).rows[0];
    return row ? Number(row.id) : undefined;
  }

  async function ensureId(name: string): Promise<number> {
    const existing = await findId(name);
    if (existing !== undefined) return existing;
    await db
      .insertInto("repositories")
      .values({ name, created_at: now() })
      .onConflict((c) => c.column("name").doNothing())
      .execute();
    return (await findId(name))!;
  }

  return {
    async listRepositories(after, limit) {
      let query = db.selectFrom("repositories").select("name").orderBy("name").limit(limit);
      if (after !== undefined) query = query.where("name", ">", after);
      return (await query.execute()).map((r) => r.name);
    },
    async repositoryExists(name) {
      return (await findId(name)) !== undefined;
    },
    async linkedBlob(repository, digest) {
      const row = await db
        .selectFrom("repository_blobs as l")
        .innerJoin("repositories as r", "r.id", "l.repository_id")
        .innerJoin("blobs as b", "b.digest", "l.digest")
        .select("b.size")
        .where("r.name", "=", repository)
        .where("l.digest", "=", digest)
        .executeTakeFirst();
      return row ? { size: Number(row.size) } : undefined;
    },
    async linkBlob(repository, digest, size) {
      const link: PendingLink = { repositoryId: await ensureId(repository), digest, size, refused: false };
      await commitLink(link);
      return !link.refused;
    },
    async reserveBlob(digest, size) {
      // Not synced on its own: the link that completes the push commits after it, and its sync covers both.
      return withoutCommitSync(() => db.transaction().execute((trx) => touchBlob(trx, digest, size, now())));
    },
    async unlinkBlob(repository, digest) {
      const id = await findId(repository);
      if (id === undefined) return false;
      const result = await db
        .deleteFrom("repository_blobs")
        .where("repository_id", "=", id)
        .where("digest", "=", digest)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async storedBlob(digest) {
      const row = await db
        .selectFrom("blobs")
        .select("size")
        .where("digest", "=", digest)
        .where("deleting_at", "is", null)
        .executeTakeFirst();
      return row ? { size: Number(row.size) } : undefined;
    },
    async repositoriesLinking(digest, limit) {
      const rows = await db
        .selectFrom("repository_blobs as l")
        .innerJoin("repositories as r", "r.id", "l.repository_id")
        .select("r.name")
        .where("l.digest", "=", digest)
        .orderBy("r.name")
        .limit(limit)
        .execute();
      return rows.map((r) => r.name);
    },
    async missingBlobs(repository, digests) {
      return missingFrom(db, "repository_blobs", await findId(repository), digests);
    },
    async deleteRepository(name) {
      const id = await findId(name);
      if (id === undefined) return undefined;
      const removed = await db.transaction().execute(async (trx) => {
        const tags = await trx.deleteFrom("tags").where("repository_id", "=", id).executeTakeFirst();
        const manifests = await trx.deleteFrom("manifests").where("repository_id", "=", id).executeTakeFirst();
        await trx.deleteFrom("repository_blobs").where("repository_id", "=", id).execute();
        const row = await trx.deleteFrom("repositories").where("id", "=", id).executeTakeFirst();
        return { tags: Number(tags.numDeletedRows), manifests: Number(manifests.numDeletedRows), row };
      });
      if (Number(removed.row.numDeletedRows) === 0) return undefined;
      return { tags: removed.tags, manifests: removed.manifests };
    },
    ...manifestMethods(db, findId, ensureId, now),
  };
}

/** The subset of `digests` with no row in `table` for the repository (all of them when it does not exist). */
async function missingFrom(
  db: Kysely<Database>,
  table: "repository_blobs" | "manifests",
  repositoryId: number | undefined,
  digests: readonly string[],
): Promise<string[]> {
  if (repositoryId === undefined) return [...digests];
  const found = new Set<string>();
  for (const part of chunks(digests)) {
    const { rows } = await db.executeQuery(presentQuery(db, table, repositoryId, part));
    for (const row of rows) found.add(row.digest);
  }
  return digests.filter((d) => !found.has(d));
}

/** Lists of up to this many digests (a manifest's layers, mostly) run compiled templates. */
const templatedListLength = 64;
const idMark = -7_777_101;
const nowMark = -7_777_102;

type Queryable = Pick<Kysely<Database>, "selectFrom" | "updateTable">;

/** Per database, table and list length: the compiled "which of these digests are here" and "touch these" queries. */
const listTemplates = new WeakMap<object, Map<string, QueryTemplate<{ digest: string }>>>();

function listTemplate(
  db: Queryable,
  key: string,
  build: (marks: string[]) => CompiledQuery<{ digest: string }>,
  length: number,
  extra: readonly unknown[],
): QueryTemplate<{ digest: string }> {
  let templates = listTemplates.get(db);
  if (!templates) {
    templates = new Map();
    listTemplates.set(db, templates);
  }
  let template = templates.get(`${key}/${length}`);
  if (!template) {
    const marks = listMarks(length, "digest");
    template = queryTemplate(build(marks), [...extra, ...marks]);
    templates.set(`${key}/${length}`, template);
  }
  return template;
}

/** SELECT digest FROM `table` WHERE repository_id = ? AND digest IN (…). */
function presentQuery(
  db: Queryable,
  table: "repository_blobs" | "manifests",
  repositoryId: number,
  digests: readonly string[],
): CompiledQuery<{ digest: string }> {
  const build = (list: readonly string[], id: number) =>
    db.selectFrom(table).select("digest").where("repository_id", "=", id).where("digest", "in", list).compile();
  if (digests.length > templatedListLength) return build(digests, repositoryId);
  const template = listTemplate(db, `present/${table}`, (marks) => build(marks, idMark), digests.length, [idMark]);
  return template(repositoryId, ...digests);
}

/** UPDATE `table` SET last_referenced_at = ? WHERE repository_id = ? AND digest IN (…). */
function touchQuery(
  db: Queryable,
  table: "repository_blobs" | "manifests",
  repositoryId: number,
  digests: readonly string[],
  now: number,
): CompiledQuery {
  const build = (list: readonly string[], id: number, at: number) =>
    db
      .updateTable(table)
      .set({ last_referenced_at: at })
      .where("repository_id", "=", id)
      .where("digest", "in", list)
      .compile();
  if (digests.length > templatedListLength) return build(digests, repositoryId, now);
  const template = listTemplate(
    db,
    `touch/${table}`,
    (marks) => build(marks, idMark, nowMark) as CompiledQuery<{ digest: string }>,
    digests.length,
    [idMark, nowMark],
  );
  return template(repositoryId, now, ...digests);
}

interface PendingLink {
  readonly repositoryId: number;
  readonly digest: string;
  readonly size: number;
  refused: boolean;
}

/**
 * Records a blob (once) and raises its `last_referenced_at`, unless the
 * garbage collector has claimed it (`deleting_at`): then false. The update
 * takes the row's lock, so a claim and a touch are ordered one way or the
 * other on SQLite and PostgreSQL alike (see src/gc/ for the argument).
 */
async function touchBlob(trx: Transaction<Database>, digest: string, size: number, now: number): Promise<boolean> {
  const writes = blobWrites(trx);
  await trx.executeQuery(writes.record(digest, size, now));
  const touched = await trx.executeQuery(writes.touch(now, digest));
  return Number(touched.numAffectedRows ?? 0) > 0;
}

/** Records a blob (once) and links it into a repository (idempotent); false when the blob is being collected. */
async function insertLink(trx: Transaction<Database>, repositoryId: number, digest: string, size: number, now: number) {
  if (!(await touchBlob(trx, digest, size, now))) return false;
  await trx.executeQuery(blobWrites(trx).link(repositoryId, digest, now));
  return true;
}

type BlobWrites = ReturnType<typeof compileBlobWrites>;
const compiledBlobWrites = new WeakMap<object, BlobWrites>();

/** The push's blob writes, compiled once per database (query-template.ts). */
function blobWrites(trx: Transaction<Database>): BlobWrites {
  const adapter = trx.getExecutor().adapter;
  let writes = compiledBlobWrites.get(adapter);
  if (!writes) {
    writes = compileBlobWrites(trx);
    compiledBlobWrites.set(adapter, writes);
  }
  return writes;
}

function compileBlobWrites(db: Transaction<Database>) {
  const m = { digest: "\u0000digest", size: -7_777_301, now: -7_777_302, id: -7_777_303 };
  return {
    record: queryTemplate(
      db
        .insertInto("blobs")
        .values({ digest: m.digest, size: m.size, created_at: m.now, last_referenced_at: m.now, deleting_at: null })
        .onConflict((c) => c.column("digest").doNothing())
        .compile(),
      [m.digest, m.size, m.now],
    ),
    touch: queryTemplate(
      db
        .updateTable("blobs")
        .set({ last_referenced_at: m.now })
        .where("digest", "=", m.digest)
        .where("deleting_at", "is", null)
        .compile(),
      [m.now, m.digest],
    ),
    link: queryTemplate(
      db
        .insertInto("repository_blobs")
        .values({ repository_id: m.id, digest: m.digest, created_at: m.now, last_referenced_at: m.now })
        .onConflict((c) => c.columns(["repository_id", "digest"]).doUpdateSet({ last_referenced_at: m.now }))
        .compile(),
      [m.id, m.digest, m.now],
    ),
  };
}

/**
 * Raises `last_referenced_at` of the rows of `table` in the repository named
 * by `digests`, inside the manifest's transaction, and returns the digests
 * that had no row. A collector's delete of one of them either happened
 * before (the row is missing: the push is refused) or waits for this
 * transaction and then sees a fresh reference (it keeps the row).
 */
async function touchReferences(
  trx: Transaction<Database>,
  templates: Queryable,
  table: "repository_blobs" | "manifests",
  repositoryId: number,
  digests: readonly string[],
  now: number,
): Promise<string[]> {
  const wanted = [...new Set(digests)];
  let touched = 0;
  for (const part of chunks(wanted)) {
    const result = await trx.executeQuery(touchQuery(templates, table, repositoryId, part, now));
    touched += Number(result.numAffectedRows ?? 0);
  }
  if (touched === wanted.length) return [];
  const found = new Set<string>();
  for (const part of chunks(wanted)) {
    const { rows } = await trx.executeQuery(presentQuery(templates, table, repositoryId, part));
    for (const row of rows) found.add(row.digest);
  }
  return wanted.filter((d) => !found.has(d));
}

type IdLookup = (name: string) => Promise<number | undefined>;

interface ManifestRow {
  digest: string;
  media_type: string;
  size: number;
  content: Uint8Array;
}

/**
 * The manifest GET queries, compiled once per dialect: they run on every
 * pull, and building SQL again each time cost more than running it. Each
 * takes the parameters (repository id, tag or digest) in this order.
 */
function compileManifestLookups(db: Kysely<Database>) {
  const base = db.selectFrom("manifests as m").select(["m.digest", "m.media_type", "m.size", "m.content"]);
  return {
    byDigest: base.where("m.repository_id", "=", 0).where("m.digest", "=", "").compile(),
    byTag: base
      .innerJoin("tags as t", (j) =>
        j.onRef("t.repository_id", "=", "m.repository_id").onRef("t.manifest_digest", "=", "m.digest"),
      )
      .where("t.repository_id", "=", 0)
      .where("t.name", "=", "")
      .compile(),
  };
}

/**
 * The manifest PUT's two writes, compiled once (query-template.ts): the
 * manifest row (or a fresh reference time when it exists) and the tag. Marks
 * in the order the templates take their values.
 */
function compileManifestWrites(db: Kysely<Database>) {
  const m = {
    id: -7_777_201,
    digest: "\u0000digest",
    mediaType: "\u0000mediaType",
    size: -7_777_202,
    content: new Uint8Array(1),
    artifactType: "\u0000artifactType",
    subject: "\u0000subject",
    annotations: "\u0000annotations",
    now: -7_777_203,
    tag: "\u0000tag",
  };
  const manifest = db
    .insertInto("manifests")
    .values({
      repository_id: m.id,
      digest: m.digest,
      media_type: m.mediaType,
      size: m.size,
      content: m.content,
      artifact_type: m.artifactType,
      subject_digest: m.subject,
      annotations: m.annotations,
      created_at: m.now,
      last_referenced_at: m.now,
    })
    .onConflict((c) => c.columns(["repository_id", "digest"]).doUpdateSet({ last_referenced_at: m.now }))
    .compile();
  const tag = db
    .insertInto("tags")
    .values({ repository_id: m.id, name: m.tag, manifest_digest: m.digest, updated_at: m.now })
    .onConflict((c) =>
      c.columns(["repository_id", "name"]).doUpdateSet({ manifest_digest: m.digest, updated_at: m.now }),
    )
    .compile();
  return {
    manifest: queryTemplate(manifest, [
      m.id,
      m.digest,
      m.mediaType,
      m.size,
      m.content,
      m.artifactType,
      m.subject,
      m.annotations,
      m.now,
    ]),
    tag: queryTemplate(tag, [m.id, m.tag, m.digest, m.now]),
  };
}

function manifestMethods(
  db: Kysely<Database>,
  findId: IdLookup,
  ensureId: (n: string) => Promise<number>,
  clock: () => number,
) {
  const lookups = compileManifestLookups(db);
  const writes = compileManifestWrites(db);
  return {
    async getManifest(repository: string, reference: string): Promise<StoredManifest | undefined> {
      const id = await findId(repository);
      if (id === undefined) return undefined;
      const query = isDigestReference(reference) ? lookups.byDigest : lookups.byTag;
      const { rows } = await db.executeQuery<ManifestRow>({ ...query, parameters: [id, reference] });
      const row = rows[0];
      if (!row) return undefined;
      return {
        digest: row.digest,
        mediaType: row.media_type,
        size: Number(row.size),
        content: row.content,
      };
    },
    async putManifest(
      repository: string,
      manifest: NewManifest,
      tag: string | undefined,
      references?: ManifestReferences,
    ): Promise<string[]> {
      const id = await ensureId(repository);
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const missing = [
          ...(await touchReferences(trx, db, "repository_blobs", id, references?.blobs ?? [], now)),
          ...(await touchReferences(trx, db, "manifests", id, references?.manifests ?? [], now)),
        ];
        if (missing.length > 0) return missing;
        await trx.executeQuery(
          writes.manifest(
            id,
            manifest.digest,
            manifest.mediaType,
            manifest.size,
            manifest.content,
            manifest.artifactType ?? null,
            manifest.subjectDigest ?? null,
            manifest.annotations ? JSON.stringify(manifest.annotations) : null,
            now,
          ),
        );
        if (tag === undefined) return [];
        await trx.executeQuery(writes.tag(id, tag, manifest.digest, now));
        return [];
      });
    },
    async missingManifests(repository: string, digests: readonly string[]): Promise<string[]> {
      return missingFrom(db, "manifests", await findId(repository), digests);
    },
    async deleteManifest(repository: string, digest: string): Promise<boolean> {
      const id = await findId(repository);
      if (id === undefined) return false;
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom("tags").where("repository_id", "=", id).where("manifest_digest", "=", digest).execute();
        const result = await trx
          .deleteFrom("manifests")
          .where("repository_id", "=", id)
          .where("digest", "=", digest)
          .executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },
    async deleteTag(repository: string, tag: string): Promise<boolean> {
      const id = await findId(repository);
      if (id === undefined) return false;
      const result = await db
        .deleteFrom("tags")
        .where("repository_id", "=", id)
        .where("name", "=", tag)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async listTags(repository: string, after: string | undefined, limit: number): Promise<string[]> {
      const id = await findId(repository);
      if (id === undefined) return [];
      let query = db.selectFrom("tags").select("name").where("repository_id", "=", id).orderBy("name").limit(limit);
      if (after !== undefined) query = query.where("name", ">", after);
      return (await query.execute()).map((r) => r.name);
    },
    async listReferrers(repository: string, digest: string, artifactType?: string): Promise<ReferrerRow[]> {
      const id = await findId(repository);
      if (id === undefined) return [];
      let query = db
        .selectFrom("manifests")
        .select(["digest", "media_type", "size", "artifact_type", "annotations"])
        .where("repository_id", "=", id)
        .where("subject_digest", "=", digest)
        .orderBy("digest");
      if (artifactType !== undefined) query = query.where("artifact_type", "=", artifactType);
      return (await query.execute()).map((r) => ({
        digest: r.digest,
        mediaType: r.media_type,
        size: Number(r.size),
        artifactType: r.artifact_type ?? undefined,
        annotations: r.annotations ? (JSON.parse(r.annotations) as Record<string, string>) : undefined,
      }));
    },
  };
}
