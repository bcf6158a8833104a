/**
 * @module
 * The tar format as far as bundles need it: regular files in POSIX ustar
 * headers, sizes past 8 GiB in the base-256 encoding GNU tar and Go's
 * archive/tar read, 512-byte blocks, two zero blocks at the end. Written
 * and read by the bundle code only, so nothing else (links, long names,
 * pax records) is produced; reading skips what it does not know.
 */

/** The tar block size. */
export const blockSize = 512;

/** An entry as the bundle reader sees it: name, size and where its data starts in the file. */
export interface TarEntry {
  readonly name: string;
  readonly size: number;
  /** Byte offset of the entry's data. */
  readonly offset: number;
  /** The entry type flag (`0` for a regular file). */
  readonly type: string;
}

const maxOctalSize = 8 ** 11 - 1;

/** The 512-byte ustar header of a regular file `name` (≤ 100 bytes) of `size` bytes. */
export function tarHeader(name: string, size: number, mtimeSeconds = 0): Buffer {
  const header = Buffer.alloc(blockSize);
  const nameBytes = Buffer.from(name, "utf8");
  if (nameBytes.length > 100) throw new Error(`tar entry name longer than 100 bytes: ${name}`);
  nameBytes.copy(header, 0);
  writeOctal(header, 100, 8, 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeSize(header, size);
  writeOctal(header, 136, 12, mtimeSeconds);
  header.write("        ", 148, "ascii");
  header.write("0", 156, "ascii");
  header.write("ustar\u000000", 257, "binary");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, "binary");
  return header;
}

/** Zero bytes that pad an entry of `size` bytes to a whole block. */
export function tarPadding(size: number): Buffer {
  const rest = size % blockSize;
  return Buffer.alloc(rest === 0 ? 0 : blockSize - rest);
}

/** The end-of-archive marker: two zero blocks. */
export function tarTrailer(): Buffer {
  return Buffer.alloc(blockSize * 2);
}

/** Bytes an entry of `size` takes on disk, header and padding included. */
export function tarEntryLength(size: number): number {
  return blockSize + Math.ceil(size / blockSize) * blockSize;
}

/**
 * Parses a header block at `offset`: the entry, `"end"` for a zero block
 * (end of archive), or `"invalid"` when the checksum does not match (a
 * truncated or corrupted file).
 */
export function parseTarHeader(block: Buffer, offset: number): TarEntry | "end" | "invalid" {
  if (block.length < blockSize) return "invalid";
  if (block.every((byte) => byte === 0)) return "end";
  const stored = Number.parseInt(block.toString("ascii", 148, 156).replace(/\0.*$/s, "").trim(), 8);
  let sum = 0;
  for (let i = 0; i < blockSize; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  if (stored !== sum) return "invalid";
  const name = block.toString("utf8", 0, 100).replace(/\0.*$/s, "");
  const prefix = block.toString("utf8", 345, 500).replace(/\0.*$/s, "");
  const size = readSize(block);
  if (size === undefined) return "invalid";
  return {
    name: prefix ? `${prefix}/${name}` : name,
    size,
    offset: offset + blockSize,
    type: block.toString("ascii", 156, 157) || "0",
  };
}

function writeOctal(header: Buffer, at: number, width: number, value: number): void {
  header.write(`${value.toString(8).padStart(width - 1, "0")}\u0000`, at, "ascii");
}

function writeSize(header: Buffer, size: number): void {
  if (size <= maxOctalSize) {
    writeOctal(header, 124, 12, size);
    return;
  }
  // Base-256: the first byte's high bit set, the value big-endian in the rest.
  header[124] = 0x80;
  let value = BigInt(size);
  for (let i = 135; i > 124; i--) {
    header[i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

function readSize(block: Buffer): number | undefined {
  if ((block[124]! & 0x80) !== 0) {
    let value = 0n;
    for (let i = 125; i < 136; i++) value = (value << 8n) | BigInt(block[i]!);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  }
  const text = block.toString("ascii", 124, 136).replace(/\0.*$/s, "").trim();
  const size = Number.parseInt(text || "0", 8);
  return Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}
