import assert from "node:assert/strict";
import { test } from "node:test";
import { sumExpositions } from "./sum-expositions.ts";

test("adds up every process's series, keeps families together, takes the oldest uptime", () => {
  const primary = [
    "# HELP wharf_http_requests_total HTTP requests",
    "# TYPE wharf_http_requests_total counter",
    "wharf_http_requests_total 0",
    "# TYPE process_uptime_seconds gauge",
    "process_uptime_seconds 9.5",
    "",
  ].join("\n");
  const worker = (requests: number, uptime: number) =>
    [
      "# HELP wharf_http_requests_total HTTP requests",
      "# TYPE wharf_http_requests_total counter",
      `wharf_http_requests_total{route="manifest",status="200"} ${requests}`,
      "# HELP wharf_d_seconds latency",
      "# TYPE wharf_d_seconds histogram",
      'wharf_d_seconds_bucket{le="0.1"} 1',
      'wharf_d_seconds_bucket{le="+Inf"} 2',
      "wharf_d_seconds_sum 0.25",
      "wharf_d_seconds_count 2",
      "# TYPE process_uptime_seconds gauge",
      `process_uptime_seconds ${uptime}`,
      "",
    ].join("\n");
  assert.equal(
    sumExpositions([primary, worker(3, 8), worker(4, 7)]),
    [
      "# HELP wharf_http_requests_total HTTP requests",
      "# TYPE wharf_http_requests_total counter",
      'wharf_http_requests_total{route="manifest",status="200"} 7',
      "# TYPE process_uptime_seconds gauge",
      "process_uptime_seconds 9.5",
      "# HELP wharf_d_seconds latency",
      "# TYPE wharf_d_seconds histogram",
      'wharf_d_seconds_bucket{le="0.1"} 2',
      'wharf_d_seconds_bucket{le="+Inf"} 4',
      "wharf_d_seconds_sum 0.5",
      "wharf_d_seconds_count 4",
      "",
    ].join("\n"),
  );
});
