/** IPC between the `--workers` supervisor and its workers (besides the metrics messages). */

/** Worker → supervisor: listening, with its URL and start-up report. */
export const LISTENING = "gatehouse:listening";
/** Supervisor → worker: finish the requests in flight, then exit. */
export const SHUTDOWN = "gatehouse:shutdown";

export interface ListeningMessage {
  type: typeof LISTENING;
  url: string;
  report: string[];
}
