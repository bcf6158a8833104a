/**
 * @module
 * Chart channels: the vendor promotes a tag of a chart repository
 * (`<app>/<chart>`) to a channel (`stable`, `beta`, custom). Once any tag of
 * a repository is promoted, licenses see only their channel's tags of it
 * (a license without a channel follows `stable`): its tag list shows them
 * and no other tag is pulled by name. A repository with no promotions is
 * not gated: every license entitled to it sees every tag, as before.
 */
import type { Caller, ManagedNamespaceDeps } from "../accounts/management-access.ts";
import { recordChange } from "../accounts/management-access.ts";
import type { ChartChannelTagRow, createChartChannelStore } from "../metadata/kysely-license-fields-store.ts";
import { requireApplication } from "./licensing-access.ts";
import { LicensingError } from "./licensing-error.ts";

/** A promotion as the API shows it. */
export interface ChartPromotion {
  readonly chart: string;
  readonly channel: string;
  readonly tag: string;
  readonly promotedAt: string;
}

/** What a promotion names. */
export interface PromotionInput {
  /** The chart's repository under the application: `web` for `<app>/web`. */
  readonly chart: string;
  readonly channel: string;
  readonly tag: string;
}

type Store = ReturnType<typeof createChartChannelStore>;

const channelPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const chartPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

function checked(input: PromotionInput): PromotionInput {
  if (!chartPattern.test(input.chart) || input.chart.length > 200) {
    throw new LicensingError("invalid", "chart is the repository name under the application, e.g. web");
  }
  if (!channelPattern.test(input.channel)) {
    throw new LicensingError("invalid", "a channel is 1-63 letters, digits, '.', '_' or '-' (e.g. stable, beta)");
  }
  if (!tagPattern.test(input.tag)) throw new LicensingError("invalid", "tag is an OCI tag, e.g. 1.0.0");
  return input;
}

const view = (app: string, row: ChartChannelTagRow): ChartPromotion => ({
  chart: row.repository.slice(app.length + 1),
  channel: row.channel,
  tag: row.tag,
  promotedAt: new Date(row.promotedAt).toISOString(),
});

/** The chart-channel service. */
export type ChartChannels = ReturnType<typeof createChartChannels>;

/** Creates the service over the store. */
export function createChartChannels(store: Store, clock: () => number) {
  return {
    /**
     * The tags of `repository` a license on `channel` sees: undefined when the
     * repository has no promotions (not gated), else the (possibly empty) set.
     */
    async visibleTags(repository: string, channel: string): Promise<Set<string> | undefined> {
      const rows = await store.ofRepository(repository);
      if (rows.length === 0) return undefined;
      return new Set(rows.filter((r) => r.channel === channel).map((r) => r.tag));
    },
    /** The application's promotions. */
    async list(deps: ManagedNamespaceDeps, caller: Caller, app: string): Promise<ChartPromotion[]> {
      await requireApplication(deps, caller, app);
      return (await store.list(app)).map((row) => view(app, row));
    },
    /** Promotes a tag to a channel (again: no change). */
    async promote(
      deps: ManagedNamespaceDeps,
      caller: Caller,
      app: string,
      input: PromotionInput,
    ): Promise<ChartPromotion> {
      await requireApplication(deps, caller, app);
      const { chart, channel, tag } = checked(input);
      const row = { repository: `${app}/${chart}`, channel, tag, promotedAt: clock() };
      await store.promote(row);
      recordChange(deps, caller, "chart.promote", `repository:${row.repository}`, { channel, tag });
      return view(app, row);
    },
    /** Removes a promotion; `not-found` when there is none. */
    async demote(deps: ManagedNamespaceDeps, caller: Caller, app: string, input: PromotionInput): Promise<void> {
      await requireApplication(deps, caller, app);
      const { chart, channel, tag } = checked(input);
      if (!(await store.demote(`${app}/${chart}`, channel, tag))) {
        throw new LicensingError("not-found", `${app}/${chart}:${tag} is not promoted to ${channel}`);
      }
      recordChange(deps, caller, "chart.demote", `repository:${app}/${chart}`, { channel, tag });
    },
  };
}
