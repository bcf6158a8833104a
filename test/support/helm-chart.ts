/**
 * @module
 * Helm chart artifacts built the way `helm package` + `helm push` make
 * them, since no `helm` binary exists on these machines: the packaged chart
 * is a gzip'd tar of `<name>/Chart.yaml`, `<name>/values.yaml` and
 * `<name>/templates/…`; the config blob is Chart.yaml's metadata as JSON
 * (`application/vnd.cncf.helm.config.v1+json`); the one layer is the
 * archive (`application/vnd.cncf.helm.chart.content.v1.tar+gzip`); the
 * manifest carries the `org.opencontainers.image.*` annotations helm sets.
 * The result is a BuiltImage, so writeOciLayout + skopeo push it. Also the
 * reverse: unpack a pulled chart archive's files.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { stringify } from "yaml";
import { type BuiltImage, digestOf, mediaTypes, tarArchive } from "./oci-layout.ts";

/** Helm's media types. */
export const helmMediaTypes = {
  config: "application/vnd.cncf.helm.config.v1+json",
  chart: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
} as const;

/** A chart to package. */
export interface ChartSource {
  readonly name: string;
  readonly version: string;
  readonly appVersion?: string;
  readonly description?: string;
  /** values.yaml as text (written verbatim, comments and all); omitted: no values.yaml. */
  readonly values?: string;
  /** Template files by name under templates/. */
  readonly templates?: Readonly<Record<string, string>>;
}

/** Packages and "pushes" `chart`: the artifact as helm writes it. */
export function buildChart(chart: ChartSource): BuiltImage {
  const metadata = {
    apiVersion: "v2",
    name: chart.name,
    version: chart.version,
    ...(chart.appVersion && { appVersion: chart.appVersion }),
    ...(chart.description && { description: chart.description }),
    type: "application",
  };
  const files = [{ name: `${chart.name}/Chart.yaml`, content: stringify(metadata) }];
  if (chart.values !== undefined) files.push({ name: `${chart.name}/values.yaml`, content: chart.values });
  for (const [file, content] of Object.entries(chart.templates ?? {})) {
    files.push({ name: `${chart.name}/templates/${file}`, content });
  }
  const layerBytes = gzipSync(tarArchive(files));
  const configBytes = Buffer.from(JSON.stringify(metadata));
  const layer = { digest: digestOf(layerBytes), bytes: layerBytes };
  const config = { digest: digestOf(configBytes), bytes: configBytes };
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.manifest,
      config: { mediaType: helmMediaTypes.config, digest: config.digest, size: configBytes.length },
      layers: [{ mediaType: helmMediaTypes.chart, digest: layer.digest, size: layerBytes.length }],
      annotations: {
        "org.opencontainers.image.created": "2026-01-01T00:00:00Z",
        "org.opencontainers.image.title": chart.name,
        "org.opencontainers.image.version": chart.version,
        ...(chart.description && { "org.opencontainers.image.description": chart.description }),
      },
    }),
  );
  const manifest = { digest: digestOf(manifestBytes), bytes: manifestBytes };
  return {
    manifest,
    descriptor: { mediaType: mediaTypes.manifest, digest: manifest.digest, size: manifestBytes.length },
    config,
    layers: [layer],
    diffIds: [],
  };
}

/** The regular files of a packaged chart (a gzip'd tar) by path. */
export function unpackChart(archive: Uint8Array): Map<string, string> {
  const tar = gunzipSync(archive);
  const files = new Map<string, string>();
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.toString("utf8", 0, 100).replace(/\0.*$/s, "");
    const size = Number.parseInt(header.toString("ascii", 124, 136).replace(/\0.*$/s, "").trim(), 8);
    if (header.toString("ascii", 156, 157) === "0") {
      files.set(name, tar.toString("utf8", at + 512, at + 512 + size));
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
