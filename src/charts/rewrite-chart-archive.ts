/**
 * @module
 * Rewrites a packaged chart (`helm package`'s gzip'd tar) so that its
 * top-level `<chart>/values.yaml` gains `global.wharf`: every other entry
 * (subcharts' values included) is copied byte for byte, the values file is
 * re-serialized with its comments kept, and the result is gzip'd with fixed
 * settings, so the same chart and values always give the same bytes.
 * Archives are small (Helm refuses charts past a few MiB); both the packed
 * and the unpacked size are bounded.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { type Document, isMap, parseDocument } from "yaml";
import { blockSize, parseTarHeader, tarEntryLength, tarHeader, tarPadding, tarTrailer } from "../airgap/tar-format.ts";
import { ChartError } from "./chart-error.ts";

/** Bound of a packaged chart, packed (Helm's own limit for a chart archive is 20 MiB unpacked per file). */
export const maxChartBytes = 16 * 1024 * 1024;
const maxUnpackedBytes = 64 * 1024 * 1024;

function unpack(archive: Uint8Array): Buffer {
  if (archive.length > maxChartBytes) throw new ChartError(`the chart archive is larger than ${maxChartBytes} bytes`);
  try {
    return gunzipSync(archive, { maxOutputLength: maxUnpackedBytes });
  } catch {
    throw new ChartError("the chart layer is not a gzip'd tar that unpacks within bounds");
  }
}

/** `values.yaml` text with `global.wharf` set to `values` (the rest, comments included, kept). */
export function injectValues(text: string, values: unknown): string {
  const doc: Document = parseDocument(text);
  if (doc.errors.length > 0) throw new ChartError(`the chart's values.yaml does not parse: ${doc.errors[0]!.message}`);
  if (doc.contents === null || !isMap(doc.contents)) doc.contents = doc.createNode({});
  const global = doc.get("global");
  if (!isMap(global)) doc.set("global", doc.createNode({}));
  doc.setIn(["global", "wharf"], doc.createNode(values));
  return doc.toString();
}

/** The header of `header`'s entry resized to `size`, checksum recomputed (name, mode, owner and time kept). */
function resized(header: Buffer, size: number): Buffer {
  const copy = Buffer.from(tarHeader("x", size).subarray(124, 136));
  const out = Buffer.from(header);
  copy.copy(out, 124);
  out.write("        ", 148, "ascii");
  let sum = 0;
  for (const byte of out) sum += byte;
  out.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, "binary");
  return out;
}

/** The archive with `global.wharf` injected into the top-level values.yaml (added when the chart has none). */
export function rewriteChartArchive(archive: Uint8Array, values: unknown): Buffer {
  const tar = unpack(archive);
  const parts: Buffer[] = [];
  let chartDir: string | undefined;
  let replaced = false;
  let offset = 0;
  for (;;) {
    const entry =
      offset + blockSize <= tar.length ? parseTarHeader(tar.subarray(offset, offset + blockSize), offset) : "invalid";
    if (entry === "end") break;
    if (entry === "invalid" || offset + tarEntryLength(entry.size) > tar.length) {
      throw new ChartError("the chart layer is not a complete tar archive");
    }
    chartDir ??= entry.name.split("/")[0];
    const header = tar.subarray(offset, offset + blockSize);
    if (!replaced && entry.type === "0" && entry.name === `${chartDir}/values.yaml`) {
      const text = tar.subarray(entry.offset, entry.offset + entry.size).toString("utf8");
      const data = Buffer.from(injectValues(text, values), "utf8");
      parts.push(resized(header, data.length), data, tarPadding(data.length));
      replaced = true;
    } else {
      parts.push(tar.subarray(offset, offset + tarEntryLength(entry.size)));
    }
    offset += tarEntryLength(entry.size);
  }
  if (chartDir === undefined) throw new ChartError("the chart layer is an empty archive");
  if (!replaced) {
    const data = Buffer.from(injectValues("", values), "utf8");
    parts.push(tarHeader(`${chartDir}/values.yaml`, data.length), data, tarPadding(data.length));
  }
  parts.push(tarTrailer());
  return gzipSync(Buffer.concat(parts), { level: 9 });
}
