import { createRequire } from "node:module";

/** One sample of a parsed metric family (prom2json's shape, as parse-prometheus-text-format gives it). */
export interface Sample {
  labels?: Record<string, string>;
  value?: string;
  count?: string;
  sum?: string;
  buckets?: Record<string, string>;
}

/** A metric family. */
export interface Family {
  name: string;
  help: string;
  type: string;
  metrics: Sample[];
}

// The parser ships CommonJS without types.
const parse = createRequire(import.meta.url)("parse-prometheus-text-format") as (text: string) => Family[];

/**
 * Parsed Prometheus text, with lookups by name and labels. The parser checks every line of the text;
 * it flattens a histogram's labelled series into one, so histogram counts and sums are read from their
 * `_count`/`_sum` sample lines here (labels parsed the same way).
 */
export class Scrape {
  readonly families: Map<string, Family>;
  private readonly histogramSeries = new Map<string, Sample[]>();

  constructor(readonly text: string) {
    this.families = new Map(parse(text).map((f) => [f.name, f]));
    for (const [name, family] of this.families) {
      if (family.type !== "HISTOGRAM") continue;
      const series = new Map<string, Sample>();
      for (const line of text.split("\n")) {
        const match = /^(\w+?)_(count|sum)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (!match || match[1] !== name) continue;
        const labelText = match[3] ?? "";
        const sample = series.get(labelText) ?? { labels: labelsOf(labelText) };
        sample[match[2] as "count" | "sum"] = match[4]!;
        series.set(labelText, sample);
      }
      this.histogramSeries.set(name, [...series.values()]);
    }
  }

  /** The samples of `name` whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): Sample[] {
    const family = this.families.get(name);
    if (!family) return [];
    const all = this.histogramSeries.get(name) ?? family.metrics;
    return all.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  }

  /** The sum of the values (counters, gauges) or counts (histograms) of the matching samples; 0 when none. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels).reduce((total, s) => total + Number(s.value ?? s.count ?? 0), 0);
  }
}

function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [, key, value] of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
    labels[key!] = value!.replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
  return labels;
}

/** GET `${base}/metrics`, parsed; fails on anything but 200 with the Prometheus text content type. */
export async function scrape(base: string, token?: string): Promise<Scrape> {
  const res = await fetch(`${base}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics: ${res.status} ${text}`);
  if (!res.headers.get("content-type")?.startsWith("text/plain"))
    throw new Error(`/metrics content type ${res.headers.get("content-type")}`);
  return new Scrape(text);
}
