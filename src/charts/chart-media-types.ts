/**
 * @module
 * Helm charts as OCI artifacts, as `helm push` writes them: an image
 * manifest whose config is the chart's `Chart.yaml` as JSON and whose one
 * layer is the packaged chart (`<chart>/Chart.yaml`, `values.yaml`,
 * `templates/…` in a gzip'd tar).
 */

/** The config media type of a chart manifest. */
export const chartConfigMediaType = "application/vnd.cncf.helm.config.v1+json";

/** The media type of the packaged chart layer. */
export const chartLayerMediaType = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

/** A descriptor as a chart manifest holds it. */
export interface ChartDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Record<string, string>;
}

/** A chart manifest, parsed (other fields are kept as they are). */
export interface ChartManifest {
  readonly config: ChartDescriptor;
  readonly layers: readonly ChartDescriptor[];
  readonly [field: string]: unknown;
}

/** The manifest parsed when `content` is a Helm chart manifest (helm config, exactly one chart layer), else undefined. */
export function parseChartManifest(content: Uint8Array): ChartManifest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(content).toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { config, layers } = parsed as { config?: ChartDescriptor; layers?: ChartDescriptor[] };
  if (config?.mediaType !== chartConfigMediaType || !Array.isArray(layers)) return undefined;
  const charts = layers.filter((layer) => layer?.mediaType === chartLayerMediaType);
  if (charts.length !== 1) return undefined;
  return parsed as ChartManifest;
}
