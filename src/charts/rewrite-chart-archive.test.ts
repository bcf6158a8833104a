/**
 * @module
 * The chart archive rewrite: values.yaml gains global.wharf with the rest
 * (comments, other global keys, subchart values, templates) kept; the
 * output is the same bytes for the same input; a chart without values.yaml
 * gets one; broken archives and values are ChartErrors.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { parse } from "yaml";
import { buildChart, unpackChart } from "../../test/support/helm-chart.ts";
import { tarArchive } from "../../test/support/oci-layout.ts";
import { ChartError } from "./chart-error.ts";
import { rewriteChartArchive } from "./rewrite-chart-archive.ts";

const values = { customerName: "globex", entitlements: ["myapp/*"] };

test("values.yaml gains global.wharf; comments, other keys, subcharts and templates are kept", () => {
  const archive = tarArchive([
    { name: "web/Chart.yaml", content: "apiVersion: v2\nname: web\nversion: 1.0.0\n" },
    { name: "web/values.yaml", content: "# replicas of the web tier\nreplicas: 2\nglobal:\n  env: prod\n" },
    { name: "web/charts/db/values.yaml", content: "size: 1Gi\n" },
    { name: "web/templates/deploy.yaml", content: "kind: Deployment\n" },
  ]);
  const files = unpackChart(rewriteChartArchive(gzipSync(archive), values));
  const text = files.get("web/values.yaml")!;
  assert.match(text, /# replicas of the web tier/);
  assert.deepEqual(parse(text), { replicas: 2, global: { env: "prod", wharf: values } });
  assert.equal(files.get("web/charts/db/values.yaml"), "size: 1Gi\n");
  assert.equal(files.get("web/templates/deploy.yaml"), "kind: Deployment\n");
  assert.equal(files.get("web/Chart.yaml"), "apiVersion: v2\nname: web\nversion: 1.0.0\n");
});

test("the same chart and values give the same bytes; other values other bytes", () => {
  const chart = buildChart({ name: "web", version: "1.0.0", values: "replicas: 1\n" }).layers[0]!.bytes;
  const one = rewriteChartArchive(chart, values);
  assert.deepEqual(rewriteChartArchive(chart, values), one);
  assert.notDeepEqual(rewriteChartArchive(chart, { ...values, customerName: "initech" }), one);
});

test("a chart without values.yaml gets one; a global that is not a map is replaced", () => {
  const bare = buildChart({ name: "web", version: "1.0.0" }).layers[0]!.bytes;
  assert.deepEqual(parse(unpackChart(rewriteChartArchive(bare, values)).get("web/values.yaml")!), {
    global: { wharf: values },
  });
  const odd = buildChart({ name: "web", version: "1.0.0", values: "global: 3\n" }).layers[0]!.bytes;
  assert.deepEqual(parse(unpackChart(rewriteChartArchive(odd, values)).get("web/values.yaml")!), {
    global: { wharf: values },
  });
});

test("broken archives and values are ChartErrors", () => {
  assert.throws(() => rewriteChartArchive(Buffer.from("not gzip"), values), ChartError);
  assert.throws(() => rewriteChartArchive(gzipSync(Buffer.alloc(100, 1)), values), ChartError);
  const broken = buildChart({ name: "web", version: "1.0.0", values: "a: [1,\n" }).layers[0]!.bytes;
  assert.throws(() => rewriteChartArchive(broken, values), /values.yaml does not parse/);
});
