import { Histogram, type LabelValues, type MetricObjectWithValues, type MetricValueWithName, type Registry } from "prom-client";

type Label = "route" | "method" | "status";

interface Series {
  labels: Record<Label, string>;
  /** Observations per bucket, not cumulative (`le` of the same index); the `+Inf` bucket is `count`. */
  buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * The request-latency histogram, which every request observes. prom-client's own `observe` rebuilds and
 * hashes the label set and finds the bucket by a number-as-string key on each call: ~0.7 µs alone, ~2 µs of
 * a profile request under load (docs/performance.md, session 7). Here a caller holds its series, found once,
 * and an observation is a bucket search and three additions. It is still a prom-client Histogram: the
 * registry exposes it and the cluster aggregator sums it as one, from the counts kept here.
 */
export class RequestHistogram extends Histogram<Label> {
  private readonly bounds: number[];
  private readonly series = new Map<string, Series>();
  // prom-client sets name and help on the instance, but its typings do not declare them.
  private readonly config: { name: string; help: string };

  constructor(config: { name: string; help: string; buckets: number[]; registers: Registry[] }) {
    super({ ...config, labelNames: ["route", "method", "status"] });
    this.config = { name: config.name, help: config.help };
    this.bounds = [...config.buckets].sort((a, b) => a - b);
    // prom-client's own `observe(labels, value)` counts here too, so no observation is lost to the other store.
    (this as { observe: unknown }).observe = (labels: LabelValues<Label>, value: number) =>
      this.observer(String(labels.route), String(labels.method), String(labels.status))(value);
  }

  /** What counts the requests of one route, method and status (one series, the same for the same labels). */
  observer(route: string, method: string, status: string): (seconds: number) => void {
    const key = `${route}\n${method}\n${status}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels: { route, method, status }, buckets: new Float64Array(this.bounds.length), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    const { bounds } = this;
    const counted = series;
    return (seconds) => {
      let i = 0;
      while (i < bounds.length && seconds > bounds[i]!) i++;
      if (i < bounds.length) counted.buckets[i]! += 1;
      counted.sum += seconds;
      counted.count += 1;
    };
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<Label>>> {
    const { name, help } = this.config;
    const values: MetricValueWithName<Label | "le">[] = [];
    const bucket = `${name}_bucket`;
    for (const { labels, buckets, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += buckets[i]!;
        values.push({ labels: { le, ...labels }, value: cumulative, metricName: bucket });
      });
      values.push({ labels: { le: "+Inf", ...labels }, value: count, metricName: bucket });
      values.push({ labels: { ...labels }, value: sum, metricName: `${name}_sum` });
      values.push({ labels: { ...labels }, value: count, metricName: `${name}_count` });
    }
    // The shape prom-client's Histogram returns (its typings name an enum and a collect hook it does not set).
    return { name, help, type: "histogram", values, aggregator: "sum" } as unknown as MetricObjectWithValues<MetricValueWithName<Label>>;
  }

  /** What the registry's text exposition reads (prom-client's Histogram has one; the typings do not say). */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<Label>>> {
    return this.get();
  }

  override reset(): void {
    // prom-client's constructor resets before this class's fields exist.
    if ((this.series as Map<string, Series> | undefined) === undefined) return;
    for (const series of this.series.values()) {
      series.buckets.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
