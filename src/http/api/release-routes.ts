/**
 * @module
 * The release routes on one screen, under `/apps/{app}/releases`. The
 * releases service decides who may (managers of the application create;
 * they and the application's licenses read, licenses only their channel's
 * releases). The bundle download streams a file and lives in
 * release-bundle-download.ts beside this table.
 */
import { WharfError } from "../../errors/wharf-error.ts";
import type { ReleaseService } from "../../releases/release-service.ts";
import { type ApiRoute, route } from "./api-route.ts";
import { withReleaseErrors as w } from "./release-errors.ts";
import { releaseAnswers as a, releaseSchemas as s } from "./release-schemas.ts";

const releasesPath = "/apps/{app}/releases";

/** The routes over the releases service. */
export function releaseRoutes(releases: ReleaseService): ApiRoute[] {
  return [
    route("GET", releasesPath, {
      summary: "List an application's releases (managers; a license sees its channel's)",
      licenses: true,
      response: a.releases,
      handle: (i) => w(async () => ({ releases: await releases.list(i.caller, i.params.app) })),
    }),
    route("POST", releasesPath, {
      summary: "Create a release: every tag is resolved to a digest and stored (owners and admins)",
      body: s.newRelease,
      maxBodyBytes: 256 * 1024,
      response: a.release,
      handle: (i) => w(() => releases.create(i.caller, i.params.app, i.body)),
    }),
    route("GET", `${releasesPath}/{version}`, {
      summary: "One release with its images and digests",
      licenses: true,
      response: a.release,
      handle: (i) => w(() => releases.show(i.caller, i.params.app, i.params.version)),
    }),
    route("GET", `${releasesPath}/{version}/blobs`, {
      summary:
        "Every blob digest of the release's bundle (with platform=linux/amd64,… only those platforms): what a customer holding it has, for a delta built with --since-release",
      query: s.blobsQuery,
      response: a.blobs,
      handle: (i) => w(() => releases.blobs(i.caller, i.params.app, i.params.version, i.query.platform)),
    }),
    // Listed for the OpenAPI document; the API mount hands this path to
    // release-bundle-download.ts, which streams the file, before the table.
    route("GET", `${releasesPath}/{version}/bundle`, {
      summary:
        "The release's airgap bundle (application/x-tar), built on first request and cached; Range and If-Range resume downloads; a license only for its channel's releases",
      licenses: true,
      handle: async () => {
        throw new WharfError("UNAVAILABLE", "the bundle download is not wired on this server");
      },
    }),
  ];
}
