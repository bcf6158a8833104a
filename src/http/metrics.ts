/**
 * @module
 * Prometheus metrics in the text exposition format: request counts and
 * latencies by route, registry traffic in bytes, and the process's own
 * memory and CPU. Hand-written (about a tenth of prom-client's memory, which
 * mattered for the RSS budget) and cheap on the hot path: one map lookup
 * and a few additions per request.
 */

type Labels = Readonly<Record<string, string | number>>;

function labelKey(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${String(v).replace(/["\\\n]/g, "_")}"`)
    .join(",");
}

/** A monotonically increasing counter, optionally with labels. */
export class Counter {
  readonly name: string;
  readonly help: string;
  readonly #values = new Map<string, number>();
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }
  inc(labels: Labels | number = {}, by = 1): void {
    const [key, amount] = typeof labels === "number" ? ["", labels] : [labelKey(labels), by];
    this.#values.set(key, (this.#values.get(key) ?? 0) + amount);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.#values.size === 0) lines.push(`${this.name} 0`);
    for (const [key, value] of this.#values) lines.push(`${this.name}${key ? `{${key}}` : ""} ${value}`);
    return lines.join("\n");
  }
}

/** A histogram with fixed buckets (seconds). */
export class Histogram {
  readonly name: string;
  readonly help: string;
  readonly #buckets: readonly number[];
  readonly #series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(name: string, help: string, buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.#buckets = buckets;
  }
  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = { counts: this.#buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    for (let i = 0; i < this.#buckets.length; i++) if (value <= this.#buckets[i]!) series.counts[i]!++;
    series.sum += value;
    series.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.#series) {
      const sep = key ? `${key},` : "";
      this.#buckets.forEach((le, i) => {
        lines.push(`${this.name}_bucket{${sep}le="${le}"} ${s.counts[i]}`);
      });
      lines.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      lines.push(
        `${this.name}_sum${key ? `{${key}}` : ""} ${s.sum}`,
        `${this.name}_count${key ? `{${key}}` : ""} ${s.count}`,
      );
    }
    return lines.join("\n");
  }
}

/** The metrics Wharf records. */
export interface WharfMetrics {
  readonly contentType: string;
  readonly requests: Counter;
  readonly duration: Histogram;
  readonly bytesReceived: Counter;
  readonly bytesSent: Counter;
  /** The pull-through proxy's counters, labelled by app. */
  readonly proxy: {
    readonly pulls: Counter;
    readonly bytes: Counter;
    readonly cacheHits: Counter;
    readonly cacheMisses: Counter;
    readonly upstreamFetches: Counter;
  };
  /** Password checks by scrypt (`result` match or mismatch): what the login rate limiter bounds. */
  readonly passwordChecks: Counter;
  /** Garbage collection: runs by mode, rows and files deleted by kind, bytes reclaimed. */
  readonly gc: { readonly runs: Counter; readonly deleted: Counter; readonly bytes: Counter };
  /** The whole exposition, with process gauges read now. */
  render(): string;
}

function processGauges(): string {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return [
    "# TYPE process_resident_memory_bytes gauge",
    `process_resident_memory_bytes ${memory.rss}`,
    "# TYPE nodejs_heap_used_bytes gauge",
    `nodejs_heap_used_bytes ${memory.heapUsed}`,
    "# TYPE process_cpu_seconds_total counter",
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    "# TYPE process_uptime_seconds gauge",
    `process_uptime_seconds ${process.uptime()}`,
  ].join("\n");
}

/** Creates the metric set. */
export function createMetrics(): WharfMetrics {
  const requests = new Counter("wharf_http_requests_total", "HTTP requests by route, method and status");
  const duration = new Histogram(
    "wharf_http_request_duration_seconds",
    "HTTP request latency by route and method",
    [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10, 60],
  );
  const bytesReceived = new Counter("wharf_blob_bytes_received_total", "Bytes of blobs pushed and committed");
  const bytesSent = new Counter("wharf_blob_bytes_sent_total", "Blob bytes sent to clients");
  const proxy = {
    pulls: new Counter("wharf_proxy_pulls_total", "Manifest requests served through the pull-through proxy, by app"),
    bytes: new Counter("wharf_proxy_bytes_total", "Blob bytes served through the pull-through proxy, by app"),
    cacheHits: new Counter("wharf_proxy_cache_hits_total", "Proxy requests served from the cache, by app and kind"),
    cacheMisses: new Counter(
      "wharf_proxy_cache_misses_total",
      "Proxy requests that had to go upstream, by app and kind",
    ),
    upstreamFetches: new Counter(
      "wharf_proxy_upstream_requests_total",
      "Requests made to upstream registries, by app and kind",
    ),
  };

  const passwordChecks = new Counter("wharf_password_checks_total", "Password checks by scrypt, by result");
  const gc = {
    runs: new Counter("wharf_gc_runs_total", "Garbage collections finished, by mode (run or dry-run)"),
    deleted: new Counter("wharf_gc_deleted_total", "Blobs, blob links and manifests deleted by garbage collection"),
    bytes: new Counter("wharf_gc_reclaimed_bytes_total", "Blob bytes deleted by garbage collection"),
  };
  const all = [
    requests,
    duration,
    bytesReceived,
    bytesSent,
    passwordChecks,
    ...Object.values(proxy),
    ...Object.values(gc),
  ];
  return {
    contentType: "text/plain; version=0.0.4; charset=utf-8",
    requests,
    duration,
    bytesReceived,
    bytesSent,
    proxy,
    passwordChecks,
    gc,
    render: () => `${all.map((m) => m.render()).join("\n")}\n${processGauges()}\n`,
  };
}
