/**
 * @module
 * The licensing module's one entry point. It is built in two steps because
 * accounts and licensing need each other: first (before the accounts
 * services) the store, the license authority accounts authenticate and
 * authorize licenses through, and the pull recorder the registry pipeline
 * reports to; then, once the accounts services exist, the customer and
 * license management services.
 */
import type { Kysely } from "kysely";
import type { Caller, ManagedNamespaceDeps } from "../accounts/management-access.ts";
import type { Logger } from "../log/create-logger.ts";
import type { Database } from "../metadata/database-schema.ts";
import { createChartChannelStore, createLicenseFieldsStore } from "../metadata/kysely-license-fields-store.ts";
import { createLicensingStore } from "../metadata/kysely-licensing-store.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { createChartChannels, type PromotionInput } from "./chart-channels.ts";
import { createCustomerService } from "./customer-service.ts";
import { createLicenseAuthority } from "./license-authority.ts";
import { createLicenseFacts } from "./license-facts.ts";
import { createLicenseFields } from "./license-fields.ts";
import { createLicensePolicy, type ResolveUpstream } from "./license-policy.ts";
import { createLicenseService } from "./license-service.ts";
import { createLicenseSigner } from "./license-signer.ts";
import { createPullRecorder } from "./pull-recorder.ts";
import { sealLicensingValues, sealPlainLicensingValues } from "./seal-licensing-values.ts";

/** Options of {@link createLicensing}. */
export interface LicensingOptions {
  readonly log: Pick<Logger, "error">;
  /** Milliseconds since the epoch; `Date.now` by default (tests inject one to expire licenses). */
  readonly clock?: () => number;
  /** Maps a proxy path's upstream segment and path to the external registry's short name and the path inside its prefix; the segment and path themselves by default. */
  readonly resolveUpstream?: ResolveUpstream;
  /** The server's public URL: the registry host of rendered pull secrets. */
  readonly publicUrl?: string;
  /** The master-key ring (once loaded): new license ids are kept sealed under it for the chart delivery. */
  readonly keyRing?: () => KeyRing | undefined;
}

/** The licensing module. */
export type Licensing = ReturnType<typeof createLicensing>;

/** The management services over the accounts services. */
export type LicensingServices = ReturnType<Licensing["services"]>;

/** Creates the licensing module over the database. */
export function createLicensing(db: Kysely<Database>, options: LicensingOptions) {
  const clock = options.clock ?? Date.now;
  const store = createLicensingStore(db);
  const policy = createLicensePolicy(options.resolveUpstream);
  const authority = createLicenseAuthority({ store, policy, clock });
  const pulls = createPullRecorder(store, options.log, clock);
  const fieldsStore = createLicenseFieldsStore(db);
  const keyRing = options.keyRing ?? (() => undefined);
  const signer = createLicenseSigner(fieldsStore, clock, keyRing);
  const fields = createLicenseFields(fieldsStore, signer, clock, keyRing);
  const chartChannels = createChartChannels(createChartChannelStore(db), clock);
  return {
    /** What accounts authenticate and authorize licenses through. */
    authority,
    /** The channel of license row `id` (null: none, so every channel); undefined when the license is gone. */
    channelOf: async (id: number) => (await store.findLicenseById(id))?.channel,
    /** The facts a license's charts are rendered with (the chart delivery reads them per pull). */
    facts: createLicenseFacts(store, clock, options.keyRing, fields.valuesOf),
    /** The tags of a chart repository a license's channel sees (undefined: the repository is not gated). */
    visibleTags: chartChannels.visibleTags,
    /** Seals every licensing value not under `ring`'s current version (at start, and in a master-key rotation). */
    sealValues: (ring: KeyRing) => sealLicensingValues(fieldsStore, signer, ring),
    /** Seals only what is still plain (the pass at start). */
    sealPlainValues: (ring: KeyRing) => sealPlainLicensingValues(fieldsStore, signer, ring),
    /** Where the registry pipeline reports the manifests and blobs it served (`pulls.record`). */
    pulls,
    /** Customer and license management, over the accounts services. */
    services(accounts: ManagedNamespaceDeps) {
      const deps = { ...accounts, licensing: store, now: clock };
      const customers = createCustomerService(deps);
      const licenses = createLicenseService({
        ...deps,
        customers,
        pulls,
        publicUrl: options.publicUrl,
        keyRing: options.keyRing,
        fields,
      });
      const charts = {
        list: (caller: Caller, app: string) => chartChannels.list(deps, caller, app),
        promote: (caller: Caller, app: string, input: PromotionInput) =>
          chartChannels.promote(deps, caller, app, input),
        demote: (caller: Caller, app: string, input: PromotionInput) => chartChannels.demote(deps, caller, app, input),
      };
      return { customers, licenses, charts };
    },
  };
}
