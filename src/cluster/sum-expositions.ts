/**
 * @module
 * One Prometheus exposition for the whole server out of each process's own
 * (the primary's and every worker's): series with the same name and labels
 * are added up — request counts, bytes, histogram buckets, memory and CPU
 * of all processes together — except `process_uptime_seconds`, the oldest
 * process's. Families keep the order they first appear in, with their
 * `# HELP`/`# TYPE` lines once, as the text format requires.
 */

/** Series whose value is the largest of the processes', not their sum. */
const largest = new Set(["process_uptime_seconds"]);

interface Family {
  readonly comments: string[];
  readonly series: Map<string, number>;
}

/** The metric name of a sample line's series key (`name{labels}` or `name`). */
function nameOf(series: string): string {
  const brace = series.indexOf("{");
  return brace < 0 ? series : series.slice(0, brace);
}

/** Adds up `expositions` (text format 0.0.4) into one. */
export function sumExpositions(expositions: readonly string[]): string {
  const families = new Map<string, Family>();
  const familyOf = (name: string): Family => {
    let family = families.get(name);
    if (!family) {
      family = { comments: [], series: new Map() };
      families.set(name, family);
    }
    return family;
  };
  for (const text of expositions) {
    let current: Family | undefined;
    for (const line of text.split("\n")) {
      if (line === "") continue;
      if (line.startsWith("#")) {
        const [, kind, name] = line.split(" ");
        if ((kind !== "HELP" && kind !== "TYPE") || !name) continue;
        current = familyOf(name);
        if (!current.comments.includes(line)) current.comments.push(line);
        continue;
      }
      const space = line.lastIndexOf(" ");
      const key = line.slice(0, space);
      const value = Number(line.slice(space + 1));
      // A sample belongs to the family its comment opened (histogram _bucket/_sum/_count lines too).
      const family = current ?? familyOf(nameOf(key));
      const before = family.series.get(key);
      family.series.set(
        key,
        before === undefined ? value : largest.has(nameOf(key)) ? Math.max(before, value) : before + value,
      );
    }
  }
  const lines: string[] = [];
  for (const family of families.values()) {
    lines.push(...family.comments);
    // An empty labelled counter renders `name 0`; once another process has labelled series it is noise.
    const labelled = [...family.series.keys()].some((key) => key.includes("{"));
    for (const [key, value] of family.series) {
      if (labelled && value === 0 && !key.includes("{") && family.comments.some((c) => c.endsWith(" counter")))
        continue;
      lines.push(`${key} ${value}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
