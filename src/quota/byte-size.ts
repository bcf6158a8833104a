/**
 * @module
 * Byte sizes as people write them: `1048576`, `500MB`, `10GiB` (k/M/G/T
 * decimal, Ki/Mi/Gi/Ti binary, `B` optional), and back (`10.0 GiB`).
 */

const units: Record<string, number> = {
  "": 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
  ti: 1024 ** 4,
};

/** Bytes of `text`, or undefined when it is not a size (or not a safe integer of bytes). */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?\s*$/i.exec(text);
  if (!match) return undefined;
  const bytes = Math.round(Number(match[1]) * units[(match[2] ?? "").toLowerCase()]!);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `1536` → `1.5 KiB`. */
export function formatByteSize(bytes: number): string {
  const names = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < names.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${names[unit]}`;
}
