/**
 * Batching of the messages that cross between the main thread and a function worker. Every
 * `postMessage` to a thread that sleeps wakes it (an eventfd write, a context switch on a loaded
 * machine), and every message received costs an event dispatch: under load that, not the copying,
 * was most of a call's cost in the hop. Messages posted within one turn of the event loop are sent
 * together, as one array, at the end of the turn (`setImmediate`); an urgent message first sends
 * what is waiting, so the order of messages is always the order they were posted in.
 */
export class HopBatch<T> {
  private waiting: T[] = [];
  private scheduled = false;

  /**
   * @param post sends one message or an array of them (the receiver unpacks arrays).
   * @param last runs just before a batch is sent: a message it returns goes last in the batch.
   */
  constructor(
    private readonly post: (message: T | T[]) => void,
    private readonly last?: () => T | undefined,
  ) {}

  /** Queues a message for the end of this turn. */
  push(message: T): void {
    this.waiting.push(message);
    this.schedule();
  }

  /** Makes sure a batch leaves at the end of this turn (for messages `last` adds). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Sends a message now, after whatever is waiting (and in the same batch). */
  urgent(message: T): void {
    this.waiting.push(message);
    this.flush();
  }

  /** Sends what is waiting now. */
  readonly flush = (): void => {
    const extra = this.last?.();
    if (extra !== undefined) this.waiting.push(extra);
    this.scheduled = false;
    const batch = this.waiting;
    if (batch.length === 0) return;
    this.waiting = [];
    this.post(batch.length === 1 ? batch[0]! : batch);
  };
}
