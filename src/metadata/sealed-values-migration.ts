/**
 * @module
 * Migration 0016: secret license field values are sealed under the master
 * key from now on. Values written before are marked `plain:<value>` here
 * (a migration has no key to seal with), so a reader tells them from sealed
 * ones (`v<n>:…`) without guessing; the server seals every marked value at
 * its next start (licensing/seal-licensing-values.ts). License-signing keys
 * and token-signing keys need no mark: a plain private key is a JSON object.
 */
import { type Kysely, type Migration, sql } from "kysely";

/** Marks the plain secret field values; `down` removes the mark (sealed values stay sealed). */
export const sealedValuesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      UPDATE license_field_values SET value = 'plain:' || value
      WHERE value NOT LIKE 'plain:%'
        AND EXISTS (
          SELECT 1 FROM licenses l
            JOIN customers c ON c.id = l.customer_id
            JOIN license_field_definitions d ON d.app_slug = c.app_slug AND d.name = license_field_values.name
          WHERE l.id = license_field_values.license_id AND d.type = 'secret'
        )`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`UPDATE license_field_values SET value = substr(value, 7) WHERE value LIKE 'plain:%'`.execute(db);
  },
};
