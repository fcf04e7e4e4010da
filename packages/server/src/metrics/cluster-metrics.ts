import type { Worker } from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";
import type { MetricsSource } from "./exposition.js";

// IPC messages between the supervisor and its workers (node:cluster's channel).
const TEXT_REQUEST = "gatehouse:metrics-text";
const JSON_REQUEST = "gatehouse:metrics-json";

interface Message {
  type: string;
  id: number;
  text?: string;
  metrics?: unknown[];
  error?: string;
}

const WORKER_ANSWER_MS = 3000;

/**
 * In a worker: answers the supervisor's requests for this process's metrics, and returns the source a
 * `/metrics` request uses — it asks the supervisor, which aggregates every worker with its own.
 */
export function workerMetricsSource(registry: Registry): MetricsSource {
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  process.on("message", (message: Message) => {
    if (message?.type === JSON_REQUEST) {
      registry.getMetricsAsJSON().then(
        (metrics) => process.send?.({ type: JSON_REQUEST, id: message.id, metrics }),
        (error: Error) => process.send?.({ type: JSON_REQUEST, id: message.id, error: error.message }),
      );
    } else if (message?.type === TEXT_REQUEST) {
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.text ?? "");
    }
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      process.send?.({ type: TEXT_REQUEST, id });
    });
}

/**
 * In the supervisor: the aggregate of every worker's metrics and its own registries, merged by
 * prom-client's cluster aggregator (counters and histograms summed; each gauge by its `aggregator`).
 * A worker that does not answer within 3 s is left out of that scrape rather than stalling it.
 */
export class ClusterMetrics {
  private nextId = 1;
  private readonly waiting = new Map<number, { pending: number; results: unknown[][]; done: () => void }>();

  constructor(
    private readonly workers: () => Worker[],
    private readonly own: Registry[],
  ) {}

  /** Handles a worker's message; returns true when it was a metrics message. */
  handle(worker: Worker, received: unknown): boolean {
    const message = received as Message | undefined;
    if (message?.type === TEXT_REQUEST) {
      this.collect().then(
        (text) => worker.send({ type: TEXT_REQUEST, id: message.id, text }),
        (error: Error) => worker.send({ type: TEXT_REQUEST, id: message.id, error: error.message }),
      );
      return true;
    }
    if (message?.type === JSON_REQUEST) {
      const round = this.waiting.get(message.id);
      if (round) {
        if (message.metrics) round.results.push(message.metrics);
        if (--round.pending === 0) round.done();
      }
      return true;
    }
    return false;
  }

  /** The Prometheus text of the whole server. */
  async collect(): Promise<string> {
    const id = this.nextId++;
    const workers = this.workers().filter((w) => w.isConnected());
    const results: unknown[][] = await Promise.all(this.own.map((r) => r.getMetricsAsJSON()));
    if (workers.length > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, WORKER_ANSWER_MS);
        this.waiting.set(id, {
          pending: workers.length,
          results,
          done: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        for (const worker of workers) worker.send({ type: JSON_REQUEST, id });
      });
      this.waiting.delete(id);
    }
    return AggregatorRegistry.aggregate(results as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics();
  }
}
