// The IPC side both bench children share: report readiness, answer {type:"rss"} with the resident set
// size and {type:"cpu"} with process.cpuUsage() (all threads), and stop on {type:"stop"}, SIGTERM or
// when the parent goes away. Without a parent (run by hand), messages go to stdout.

/**
 * Reports `url` to the parent and serves its requests until told to stop; `close` frees the server.
 * `measure` replaces this process's own figures (a server of several processes sums them); `facts` are
 * added to the {type:"rss"} answer (how the server was run).
 */
export function serveParent(url, close, measure, facts = {}) {
  const send = (message) => (process.send ? process.send(message) : console.log(JSON.stringify(message)));
  send({ type: "ready", url, pid: process.pid });
  const stop = async () => {
    await close().catch(() => {});
    process.exit(0);
  };
  process.on("message", (message) => {
    if (message?.type === "rss" && measure)
      send({ type: "rss", rss: measure.rss(), maxRss: measure.rss(), heapUsed: 0, heapTotal: 0, external: 0, ...facts });
    else if (message?.type === "rss")
      send({ type: "rss", ...process.memoryUsage(), maxRss: process.resourceUsage().maxRSS * 1024, ...facts });
    else if (message?.type === "cpu" && measure) send({ type: "cpu", user: measure.cpu(), system: 0 });
    else if (message?.type === "cpu") send({ type: "cpu", ...process.cpuUsage() });
    else if (message?.type === "stop") void stop();
  });
  process.on("disconnect", () => void stop());
  process.on("SIGTERM", () => void stop());
}
