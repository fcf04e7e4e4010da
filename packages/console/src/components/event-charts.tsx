import { ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip } from "chart.js";
import { useEffect, useRef } from "preact/hooks";
import type { LogStats } from "../api/types.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, DoughnutController, ArcElement, Legend, Tooltip);

const DAY = 86_400;
/** Colours that read on light and dark backgrounds and stay apart for colour-blind eyes. */
const COLOURS = { signups: "#3b82f6", logins: "#10b981", failed: "#ef4444" };
const PIE = ["#6366f1", "#f59e0b", "#10b981", "#ec4899", "#06b6d4", "#84cc16", "#a855f7", "#64748b"];

/** The chart's numbers (exported for the text summary). */
export interface ChartSeries {
  bucket: "hour" | "day";
  labels: string[];
  signups: number[];
  logins: number[];
  failed: number[];
  byProvider: [string, number][];
}

/** Hour buckets for ranges up to two days, day buckets beyond. */
export const bucketFor = (start: number, end: number): "hour" | "day" => (end - start <= 2 * DAY ? "hour" : "day");

/** The server's counts per bucket (`GET …/logs/stats`) as chart series, labelled in local time. */
export function chartSeries(stats: LogStats): ChartSeries {
  const label = new Intl.DateTimeFormat(
    undefined,
    stats.bucket === "hour" ? { month: "short", day: "numeric", hour: "numeric" } : { month: "short", day: "numeric" },
  );
  return {
    bucket: stats.bucket,
    labels: stats.buckets.map((b) => label.format(new Date(b.start * 1000))),
    signups: stats.buckets.map((b) => b.signups),
    logins: stats.buckets.map((b) => b.logins),
    failed: stats.buckets.map((b) => b.failed_logins),
    byProvider: stats.logins_by_provider.map((p) => [p.provider, p.logins]),
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The two charts above the audit log: activity over time, and the share of logins by provider. */
export function EventCharts({ series }: { series: ChartSeries }) {
  const activity = useRef<HTMLCanvasElement>(null);
  const share = useRef<HTMLCanvasElement>(null);
  const totals = { signups: sum(series.signups), logins: sum(series.logins), failed: sum(series.failed) };

  useEffect(() => {
    const text = getComputedStyle(document.documentElement).getPropertyValue("--text-muted").trim() || "#666";
    const grid = getComputedStyle(document.documentElement).getPropertyValue("--border").trim() || "#ddd";
    const bars = new Chart(activity.current!, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [
          { label: "Sign-ups", data: series.signups, backgroundColor: COLOURS.signups },
          { label: "Logins", data: series.logins, backgroundColor: COLOURS.logins },
          { label: "Failed logins", data: series.failed, backgroundColor: COLOURS.failed },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { ticks: { color: text, maxRotation: 0, autoSkipPadding: 12 }, grid: { display: false } },
          y: { beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } },
        },
        // The caption above names the series with their colours and totals.
        plugins: { legend: { display: false } },
      },
    });
    const pie = new Chart(share.current!, {
      type: "doughnut",
      data: {
        labels: series.byProvider.map(([provider]) => provider),
        datasets: [{ data: series.byProvider.map(([, n]) => n), backgroundColor: PIE, borderWidth: 0 }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom", labels: { color: text } } },
      },
    });
    return () => {
      bars.destroy();
      pie.destroy();
    };
  }, [series]);

  const per = series.bucket === "hour" ? "per hour" : "per day";
  const shareText = series.byProvider.map(([p, n]) => `${p} ${n}`).join(", ") || "no login";
  return (
    <div class="charts">
      <figure
        class="card chart chart-activity"
        data-signups={totals.signups}
        data-logins={totals.logins}
        data-failed={totals.failed}
        data-buckets={series.labels.length}
      >
        <figcaption>
          Sign-ups, logins and failed logins {per}
          <span class="totals">
            <span class="dot dot-signups" /> {totals.signups} sign-ups <span class="dot dot-logins" /> {totals.logins} logins{" "}
            <span class="dot dot-failed" /> {totals.failed} failed
          </span>
        </figcaption>
        <div class="chart-box">
          <canvas
            ref={activity}
            role="img"
            aria-label={`${totals.signups} sign-ups, ${totals.logins} logins and ${totals.failed} failed logins, ${per}`}
          />
        </div>
      </figure>
      <figure class="card chart chart-share" data-providers={series.byProvider.length}>
        <figcaption>Logins by provider</figcaption>
        <div class="chart-box">
          <canvas ref={share} role="img" aria-label={`Share of logins by provider: ${shareText}`} />
        </div>
        {series.byProvider.length === 0 ? <p class="state state-empty">No login in this range.</p> : null}
      </figure>
    </div>
  );
}
