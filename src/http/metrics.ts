/**
 * @module
 * Prometheus metrics: request counts and latencies by route, and registry
 * traffic in bytes. One registry per process, served at /metrics.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** The metrics Wharf records. */
export interface WharfMetrics {
  readonly registry: Registry;
  readonly requests: Counter<"route" | "method" | "status">;
  readonly duration: Histogram<"route" | "method">;
  readonly bytesReceived: Counter;
  readonly bytesSent: Counter;
}

/** Creates the metric set, with Node's default process metrics. */
export function createMetrics(): WharfMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: "wharf_http_requests_total",
      help: "HTTP requests by route, method and status",
      labelNames: ["route", "method", "status"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "wharf_http_request_duration_seconds",
      help: "HTTP request latency by route and method",
      labelNames: ["route", "method"],
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10, 60],
      registers: [registry],
    }),
    bytesReceived: new Counter({
      name: "wharf_blob_bytes_received_total",
      help: "Bytes of blobs pushed and committed",
      registers: [registry],
    }),
    bytesSent: new Counter({
      name: "wharf_blob_bytes_sent_total",
      help: "Blob bytes sent to clients",
      registers: [registry],
    }),
  };
}
