/**
 * @module
 * A small semantic-version range matcher for retention's `keepSemver`
 * (Wharf adds no dependency for it). Ranges are `||`-separated sets of
 * space-separated comparators, all of which a version must satisfy:
 * `>=2.0.0 <3`, `^1.2`, `~1.4.2`, `1.x`, `1.2 - 1.4`, `=1.0.0`, `*`.
 * Partial versions mean what npm's semver means (`<3` is below 3.0.0, `1.2`
 * is 1.2.x; `^0.2` is below 0.3.0). Tags are read loosely: an optional `v`,
 * missing minor or patch as 0 (`v2`, `1.4`), then `-prerelease` and
 * `+build` (ignored). As in npm, a prerelease (`2.0.0-rc.1`) matches only a
 * set that names a prerelease of the same major.minor.patch.
 */

type Triple = [number, number, number];

interface Version {
  readonly triple: Triple;
  readonly pre: readonly string[];
}

interface Comparator {
  readonly op: "<" | "<=" | ">" | ">=" | "=";
  readonly version: Version;
}

const part = String.raw`(0|[1-9]\d*|[xX*])`;
const partial = new RegExp(`^v?${part}(?:\\.${part}(?:\\.${part})?)?(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?$`);

/** A version parsed loosely (a tag), or undefined. */
function parseVersion(text: string): Version | undefined {
  const m = partial.exec(text);
  if (!m || [m[1], m[2], m[3]].some((p) => p !== undefined && /[xX*]/.test(p))) return undefined;
  return { triple: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4]?.split(".") ?? [] };
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b);
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.triple[i] !== b.triple[i]) return a.triple[i]! - b.triple[i]!;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    if (a.pre[i] === undefined) return -1;
    if (b.pre[i] === undefined) return 1;
    const c = compareIdentifiers(a.pre[i]!, b.pre[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

const v = (major: number, minor: number, patch: number, pre: readonly string[] = []): Version => ({
  triple: [major, minor, patch],
  pre,
});

/** The comparators one written comparator (`^1.2`, `<3`, `1.x`) stands for. */
function expand(token: string): Comparator[] {
  const m = /^(\^|~|<=|>=|<|>|=)?(.+)$/.exec(token);
  const op = m?.[1] ?? "";
  const p = m && partial.exec(m[2]!);
  if (!p)
    throw new Error(`${JSON.stringify(token)} is not a version comparator (such as >=2.0.0, <3, ^1.2, ~1.4, 1.x)`);
  const given = [p[1], p[2], p[3]].map((x) => (x === undefined || /[xX*]/.test(x) ? undefined : Number(x)));
  const pre = p[4]?.split(".") ?? [];
  const depth = given.indexOf(undefined);
  const known = depth === -1 ? 3 : depth;
  const [ma = 0, mi = 0, pa = 0] = given;
  const low = v(ma, mi, pa, pre);
  if (known === 0) return op === "<" || op === ">" ? [{ op: "<", version: v(0, 0, 0) }] : [];
  const next = known === 1 ? v(ma + 1, 0, 0) : v(ma, mi + 1, 0);
  switch (op) {
    case "^": {
      const upper = ma > 0 || known === 1 ? v(ma + 1, 0, 0) : mi > 0 || known === 2 ? v(0, mi + 1, 0) : v(0, 0, pa + 1);
      return [
        { op: ">=", version: low },
        { op: "<", version: upper },
      ];
    }
    case "~":
      return [
        { op: ">=", version: low },
        { op: "<", version: known === 1 ? v(ma + 1, 0, 0) : v(ma, mi + 1, 0) },
      ];
    case ">":
      return [{ op: known === 3 ? ">" : ">=", version: known === 3 ? low : next }];
    case "<=":
      return [{ op: known === 3 ? "<=" : "<", version: known === 3 ? low : next }];
    case "<":
    case ">=":
      return [{ op, version: low }];
    default:
      return known === 3
        ? [{ op: "=", version: low }]
        : [
            { op: ">=", version: low },
            { op: "<", version: next },
          ];
  }
}

function satisfies(version: Version, c: Comparator): boolean {
  const order = compare(version, c.version);
  return c.op === "<"
    ? order < 0
    : c.op === "<="
      ? order <= 0
      : c.op === ">"
        ? order > 0
        : c.op === ">="
          ? order >= 0
          : order === 0;
}

function parseSet(text: string): Comparator[] {
  const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(text);
  if (hyphen) return [...expand(`>=${hyphen[1]}`), ...expand(`<=${hyphen[2]}`)];
  return text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== "")
    .flatMap(expand);
}

/**
 * Compiles `range` into a test of tags; throws an Error saying what is
 * wrong when the range does not parse (config validation shows it).
 */
export function compileSemverRange(range: string): (tag: string) => boolean {
  const sets = range
    .split("||")
    .map((set) => set.replace(/(<=|>=|<|>|=|\^|~)\s+/g, "$1"))
    .map(parseSet);
  return (tag) => {
    const version = parseVersion(tag);
    if (!version) return false;
    return sets.some(
      (set) =>
        set.every((c) => satisfies(version, c)) &&
        (version.pre.length === 0 ||
          set.some((c) => c.version.pre.length > 0 && compare(v(...version.triple), v(...c.version.triple)) === 0)),
    );
  };
}
