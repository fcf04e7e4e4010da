/**
 * Responses produced while a turn of the event loop reads requests are written together at the end of
 * those reads (src/http/write-coalescing.ts); those produced later, as a group commit's, at once. The unit
 * cases run on the real event loop: an fs callback is a turn's I/O phase, as a socket read is.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import type { FastifyReply, FastifyRequest } from "fastify";
import { NO_WRITE_TURN, ResponseWrites } from "../../src/http/write-coalescing.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const reply = {} as FastifyReply;
/** A request as the hooks see it: only its turn stamp matters here. */
const aRequest = () => ({ writeTurn: NO_WRITE_TURN }) as FastifyRequest;

/** Sends `payload` for `request` and says why not if it was not written at once. */
function notWrittenAtOnce(writes: ResponseWrites, request: FastifyRequest, payload: string): Error | undefined {
  let written: unknown;
  writes.onSend(request, reply, payload, (_error, out) => (written = out));
  return written === payload ? undefined : new Error(`held: ${payload}`);
}

/** Runs `work` inside an I/O callback: the phase in which a server reads its requests. */
function inIoPhase(work: (finish: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    readFile(fileURLToPath(import.meta.url), () => {
      work((error) => (error === undefined ? resolve() : reject(error)));
    });
  });
}

describe("response writes", () => {
  it("holds the answers produced while requests are read, then writes them in order, each once", async () => {
    const writes = new ResponseWrites((error) => assert.fail(String(error)));
    const written: unknown[] = [];
    await inIoPhase((finish) => {
      const [first, second] = [aRequest(), aRequest()];
      writes.requestArrived(first);
      writes.onSend(first, reply, "first", (error, payload) => written.push(error, payload));
      writes.requestArrived(second);
      writes.onSend(second, reply, "second", (error, payload) => written.push(error, payload));
      if (written.length > 0) return finish(new Error(`written while the turn still reads: ${String(written)}`));
      // Scheduled after the coalescer's own check-phase work, so it runs once that is done.
      setImmediate(() => {
        try {
          assert.deepEqual(written, [null, "first", null, "second"]);
          finish();
        } catch (error) {
          finish(error);
        }
      });
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(written.length, 4, "nothing written twice");
  });

  it("writes at once an answer produced after the reads, as a batch committed in the check phase resolves it", async () => {
    const writes = new ResponseWrites((error) => assert.fail(String(error)));
    await inIoPhase((finish) => {
      const login = aRequest();
      writes.requestArrived(login);
      // A group commit waits for this phase too (store/group-commit.ts), started by a request of this turn.
      setImmediate(() => finish(notWrittenAtOnce(writes, login, "committed")));
    });
  });

  it("writes at once when no request has arrived in the turn", async () => {
    const writes = new ResponseWrites((error) => assert.fail(String(error)));
    await inIoPhase((finish) => {
      const call = aRequest();
      writes.requestArrived(call);
      setImmediate(() => {
        // The next turn: a timer, no request read before it.
        setTimeout(() => finish(notWrittenAtOnce(writes, call, "later")), 1);
      });
    });
  });

  it("writes at once an answer to an earlier turn's request while this turn reads others, as a function worker's reply", async () => {
    const writes = new ResponseWrites((error) => assert.fail(String(error)));
    const call = aRequest();
    await inIoPhase((finish) => {
      writes.requestArrived(call);
      finish();
    });
    await new Promise((resolve) => setImmediate(resolve));
    const written: unknown[] = [];
    await inIoPhase((finish) => {
      const profile = aRequest();
      writes.requestArrived(profile);
      writes.onSend(call, reply, "result", (_error, payload) => written.push(payload));
      writes.onSend(profile, reply, "profile", (_error, payload) => written.push(payload));
      try {
        assert.deepEqual(written, ["result"], "the earlier call's answer out at once, this turn's held");
      } catch (error) {
        finish(error);
        return;
      }
      setImmediate(() => finish(written.length === 2 && written[1] === "profile" ? undefined : new Error(String(written))));
    });
  });

  it("reports a write that throws and still writes the others", async () => {
    const reported: unknown[] = [];
    const writes = new ResponseWrites((error) => reported.push(error));
    const written: unknown[] = [];
    await inIoPhase((finish) => {
      const [a, b] = [aRequest(), aRequest()];
      writes.requestArrived(a);
      writes.requestArrived(b);
      writes.onSend(a, reply, "a", () => {
        throw new Error("socket gone");
      });
      writes.onSend(b, reply, "b", (_error, payload) => written.push(payload));
      setImmediate(() => {
        try {
          assert.deepEqual(written, ["b"]);
          assert.equal(reported.length, 1);
          assert.match(String(reported[0]), /socket gone/);
          finish();
        } catch (error) {
          finish(error);
        }
      });
    });
  });
});

/** The responses of one connection, split by their content-length (every answer here has one). */
function splitResponses(text: string): { status: number; body: string }[] {
  const out: { status: number; body: string }[] = [];
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf("\r\n\r\n", at);
    assert.ok(end > at, `a response head at ${at}`);
    const head = text.slice(at, end);
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);
    out.push({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]), body: text.slice(end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
  return out;
}

describe("response writes over HTTP", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("answers pipelined requests of both kinds in their order: reads held to the turn's end, a login's commit after it", async () => {
    const base = "/api/client/v2.0/app/todo-gatehouse";
    const login = JSON.stringify({ options: { device: { platform: "pipelined" } } });
    const requests = [
      `GET ${base}/location HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      `POST ${base}/auth/providers/anon-user/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(login)}\r\n\r\n${login}`,
      `GET /api/client/v2.0/no-such-route HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      `GET ${base}/location HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    ];
    const socket = connect(server.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise<void>((resolve, reject) => {
      socket.on("end", resolve);
      socket.on("error", reject);
    });
    // One write: the server parses all four in one read, in one turn.
    socket.write(requests.join(""));
    await closed;
    const responses = splitResponses(Buffer.concat(chunks).toString("utf8"));
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 200, 404, 200],
    );
    assert.equal(JSON.parse(responses[0]!.body).deployment_model, "GLOBAL");
    assert.match(JSON.parse(responses[1]!.body).access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(JSON.parse(responses[2]!.body).error_code, "NotFound");
    assert.equal(JSON.parse(responses[3]!.body).deployment_model, "GLOBAL");
  });
});
