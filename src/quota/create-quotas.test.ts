/**
 * The quota warning threshold on the real SQLite metadata: a push that
 * reaches the threshold raises one warning, later pushes above it none;
 * usage seen below it clears the state, and the next crossing warns again;
 * a refused blob is reported as exceeded.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { configSchema } from "../config/config-schema.ts";
import { createQuotaMetadata } from "../metadata/kysely-quota-metadata.ts";
import { createRegistryMetadata } from "../metadata/kysely-registry-metadata.ts";
import { openDatabase } from "../metadata/open-database.ts";
import { createQuotas } from "./create-quotas.ts";
import type { QuotaEvent } from "./quota-events.ts";

const digestOf = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;

test("a crossing of the warning threshold is reported once, and again only after usage fell below it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-quota-unit-"));
  const db = await openDatabase(configSchema.parse({ dataDir: dir }));
  try {
    const registry = createRegistryMetadata(db);
    const warnings: QuotaEvent[] = [];
    const exceeded: QuotaEvent[] = [];
    const quotas = createQuotas(createQuotaMetadata(db), {
      events: { warning: (e) => warnings.push(e), exceeded: (e) => exceeded.push(e) },
      now: () => 1_000,
    });
    let n = 0;
    const push = async (size: number) => {
      const digest = digestOf(++n);
      await quotas.check("ns/app", digest, size);
      await registry.linkBlob("ns/app", digest, size);
    };
    assert.equal((await quotas.set("ns", 1000)).warnPercent, 80, "the default threshold");
    await quotas.set("ns", 1000, 50);
    await push(300);
    assert.equal(warnings.length, 0);
    await push(200);
    assert.deepEqual(warnings, [{ namespace: "ns", limit: 1000, used: 500, warnPercent: 50, at: 1_000 }]);
    await push(100);
    assert.equal(warnings.length, 1, "not once per push");
    assert.equal((await quotas.show("ns")).warnedAt, new Date(1_000).toISOString());

    await assert.rejects(push(500), /namespace ns is over its quota/);
    assert.equal(exceeded.length, 1);
    assert.equal(exceeded[0]!.used, 1100);

    const raised = await quotas.set("ns", 2000);
    assert.equal(raised.warnedAt, null, "600 of 2000 is below 50%");
    assert.equal(warnings.length, 1);
    await push(400);
    assert.equal(warnings.length, 2, "a new crossing warns again");
    assert.equal(warnings[1]!.used, 1000);
    await quotas.set("ns", 2000, null);
    assert.equal((await quotas.show("ns")).warnPercent, 80);
    assert.equal((await quotas.show("ns")).warnedAt, null, "1000 of 2000 is below the default 80%");
  } finally {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
});
