/**
 * @module
 * Walks a tar file's headers without reading the data, so a multi-gigabyte
 * bundle is indexed in milliseconds: each entry's name, size and offset.
 * A truncated or corrupted file stops the walk at the last sound entry.
 */
import type { FileHandle } from "node:fs/promises";
import { blockSize, parseTarHeader, type TarEntry, tarEntryLength } from "./tar-format.ts";

/** The entries of a tar file and how it ended. */
export interface TarScan {
  readonly entries: TarEntry[];
  /** Where the last complete entry ends (where appending may resume). */
  readonly end: number;
  /** `end` for a proper end-of-archive marker, `truncated` or `invalid` otherwise. */
  readonly ending: "end" | "truncated" | "invalid";
}

/** Scans `file` (of `fileSize` bytes) from the start. */
export async function scanTar(file: FileHandle, fileSize: number): Promise<TarScan> {
  const entries: TarEntry[] = [];
  const block = Buffer.alloc(blockSize);
  let offset = 0;
  for (;;) {
    if (offset + blockSize > fileSize) return { entries, end: offset, ending: "truncated" };
    await file.read(block, 0, blockSize, offset);
    const parsed = parseTarHeader(block, offset);
    if (parsed === "end") return { entries, end: offset, ending: "end" };
    if (parsed === "invalid") return { entries, end: offset, ending: "invalid" };
    if (offset + tarEntryLength(parsed.size) > fileSize) return { entries, end: offset, ending: "truncated" };
    entries.push(parsed);
    offset += tarEntryLength(parsed.size);
  }
}
