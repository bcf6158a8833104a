/**
 * @module
 * The pull aggregator on an injected clock: pulls in one window become one
 * event per repository and digest with the count and tags; the window ends
 * by the clock, not by a timer; close publishes what is left.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPullAggregator } from "./pull-aggregator.ts";
import type { WebhookEvent } from "./webhook-event.ts";

const a = `sha256:${"a".repeat(64)}`;
const b = `sha256:${"b".repeat(64)}`;

test("one event per repository and digest per window, with the count and tags; close flushes", () => {
  let now = 1_000_000;
  const events: WebhookEvent[] = [];
  const pulls = createPullAggregator(
    60_000,
    () => now,
    (e) => events.push(e),
  );
  pulls.record("shop/app", a, "1.0");
  pulls.record("shop/app", a, "latest");
  pulls.record("shop/app", a, a);
  pulls.record("shop/app", b, "2.0");
  now += 59_999;
  pulls.tick();
  assert.equal(events.length, 0, "the window has not ended");
  now += 1;
  pulls.tick();
  assert.deepEqual(
    events.map((e) => [e.type, e.repository, e.digest, e.count, e.tags]),
    [
      ["pull", "shop/app", a, 3, ["1.0", "latest"]],
      ["pull", "shop/app", b, 1, ["2.0"]],
    ],
  );
  assert.deepEqual([events[0]!.from, events[0]!.to], [new Date(1_000_000).toISOString(), new Date(now).toISOString()]);
  pulls.record("shop/app", a, "1.0");
  pulls.close();
  assert.equal(events.length, 3);
  assert.equal(events[2]!.count, 1);
  pulls.close();
  assert.equal(events.length, 3, "nothing twice");
});
