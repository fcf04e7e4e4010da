/**
 * The request histogram keeps its own counts, so prom-client's own Histogram is the reference: the same
 * observations must give the same exposition text, the same cluster sum, and the same reset.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AggregatorRegistry, Histogram, Registry } from "prom-client";
import { RequestHistogram } from "../../src/metrics/request-histogram.js";

const BUCKETS = [0.0005, 0.001, 0.01, 0.1, 1];
const NAME = "gatehouse_test_request_seconds";
const HELP = "requests";
// Below, on and above bounds, past the last one, and zero.
const OBSERVED: [string, string, string, number][] = [
  ["/a", "GET", "200", 0.0004],
  ["/a", "GET", "200", 0.001],
  ["/a", "GET", "200", 0.0011],
  ["/a", "GET", "200", 2],
  ["/a", "GET", "404", 0],
  ["/b", "POST", "500", 0.05],
];

function pair() {
  const ours = new Registry();
  const reference = new Registry();
  const histogram = new RequestHistogram({ name: NAME, help: HELP, buckets: BUCKETS, registers: [ours] });
  const prom = new Histogram({
    name: NAME,
    help: HELP,
    labelNames: ["route", "method", "status"],
    buckets: BUCKETS,
    registers: [reference],
  });
  return { ours, reference, histogram, prom };
}

/** prom-client's JSON without the exemplar slots it adds to buckets (always null without exemplars). */
async function json(registry: Registry) {
  return JSON.parse(JSON.stringify(await registry.getMetricsAsJSON(), (key, value: unknown) => (key === "exemplar" ? undefined : value)));
}

describe("request histogram", () => {
  it("exposes what prom-client's Histogram exposes for the same observations", async () => {
    const { ours, reference, histogram, prom } = pair();
    for (const [route, method, status, seconds] of OBSERVED) {
      histogram.observer(route, method, status)(seconds);
      prom.observe({ route, method, status }, seconds);
    }
    const text = await ours.metrics();
    assert.match(text, /gatehouse_test_request_seconds_bucket\{le="0.001",route="\/a",method="GET",status="200"\} 2/);
    assert.equal(text, await reference.metrics());
    assert.deepEqual(await json(ours), await json(reference));
  });

  it("one series per label set, however many observers ask for it; prom-client's observe counts there too", async () => {
    const { ours, reference, histogram, prom } = pair();
    const first = histogram.observer("/a", "GET", "200");
    const second = histogram.observer("/a", "GET", "200");
    first(0.002);
    second(0.003);
    histogram.observe({ route: "/a", method: "GET", status: "200" }, 0.2);
    for (const seconds of [0.002, 0.003, 0.2]) prom.observe({ route: "/a", method: "GET", status: "200" }, seconds);
    assert.equal(await ours.metrics(), await reference.metrics());
  });

  it("sums across workers like a Histogram, and resets to zero", async () => {
    const workers = [pair(), pair()];
    workers.forEach(({ histogram, prom }, i) => {
      histogram.observer("/a", "GET", "200")(0.01 * (i + 1));
      prom.observe({ route: "/a", method: "GET", status: "200" }, 0.01 * (i + 1));
    });
    const sum = async (registries: Registry[]) =>
      AggregatorRegistry.aggregate(await Promise.all(registries.map((r) => r.getMetricsAsJSON()))).metrics();
    const aggregated = await sum(workers.map((w) => w.ours));
    assert.match(aggregated, /gatehouse_test_request_seconds_count\{route="\/a",method="GET",status="200"\} 2/);
    assert.equal(aggregated, await sum(workers.map((w) => w.reference)));

    const [{ ours, histogram }] = workers;
    histogram.reset();
    assert.match(await ours.metrics(), /gatehouse_test_request_seconds_count\{route="\/a",method="GET",status="200"\} 0/);
  });
});
