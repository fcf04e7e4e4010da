// Child process of bench/run.mjs: the ceiling. A plain Fastify hello-world JSON route (no logger,
// defaults otherwise), the same Fastify Gatehouse is built on. Reports its URL over IPC; answers
// {type:"rss"} and {type:"cpu"} like bench/server.mjs; exits on {type:"stop"} or when the parent goes away.
import { createRequire } from "node:module";
import { serveParent } from "./child.mjs";

// Fastify is the server package's dependency; resolve it from there so hoisting does not matter.
const require = createRequire(new URL("../packages/server/package.json", import.meta.url));
const { default: Fastify } = await import(require.resolve("fastify"));

const app = Fastify({ logger: false });
app.get("/", async () => ({ hello: "world" }));
await app.listen({ port: 0, host: "127.0.0.1" });
const { port } = app.server.address();

serveParent(`http://127.0.0.1:${port}`, () => app.close());
