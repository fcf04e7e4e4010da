import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Admission, type Ticket } from "../../src/functions/scheduler.js";
import type { FunctionExecutionError } from "../../src/functions/errors.js";

/** An admission whose worker supply the test controls; records the order calls start in. */
function setup(limits = { perUser: 2, perApp: 3, maxQueuedPerApp: 2 }) {
  const started: string[] = [];
  const rejected: FunctionExecutionError[] = [];
  let workers = true;
  const admission = new Admission(limits, () => (workers ? "worker" : undefined));
  const tickets = new Map<string, Ticket>();
  const submit = (name: string, appKey: string, user?: string) => {
    const ticket: Ticket = {
      appKey,
      ...(user ? { userKey: `user:${appKey}:${user}` } : {}),
      start: () => started.push(name),
      reject: (error) => rejected.push(error),
    };
    tickets.set(name, ticket);
    admission.submit(ticket);
  };
  return {
    admission,
    started,
    rejected,
    submit,
    finish: (name: string) => admission.finished(tickets.get(name)!),
    setWorkers: (on: boolean) => {
      workers = on;
      if (on) admission.pump();
    },
  };
}

describe("function call admission", () => {
  it("holds a user to its concurrency limit without delaying other users or apps", () => {
    const s = setup();
    s.submit("u1", "a", "u");
    s.submit("u2", "a", "u");
    s.submit("u3", "a", "u"); // over the user's limit: waits
    s.submit("v1", "a", "v"); // another user of the same app passes it
    s.submit("b1", "b", "u"); // the same user id in another app is another user
    assert.deepEqual(s.started, ["u1", "u2", "v1", "b1"]);
    assert.equal(s.admission.waiting, 1);
    s.finish("u1");
    assert.deepEqual(s.started, ["u1", "u2", "v1", "b1", "u3"]);
  });

  it("holds an app to its limit; calls for nobody count against the app only", () => {
    const s = setup();
    for (const name of ["t1", "t2", "t3", "t4"]) s.submit(name, "a");
    s.submit("other", "b");
    assert.deepEqual(s.started, ["t1", "t2", "t3", "other"]);
    s.finish("t2");
    assert.deepEqual(s.started.at(-1), "t4");
  });

  it("fails calls at once when an app's waiting line is full", () => {
    const s = setup({ perUser: 1, perApp: 1, maxQueuedPerApp: 2 });
    s.submit("run", "a");
    s.submit("wait1", "a");
    s.submit("wait2", "a");
    s.submit("refused", "a");
    assert.equal(s.rejected.length, 1);
    assert.equal(s.rejected[0]!.reason, "functionQueueFull");
    assert.equal(s.rejected[0]!.code, "FunctionExecutionError");
    s.submit("b", "b"); // another app's line is its own
    assert.deepEqual(s.started, ["run", "b"]);
  });

  it("starts nothing while no worker can take a call, then everything in arrival order", () => {
    const s = setup({ perUser: 5, perApp: 5, maxQueuedPerApp: 5 });
    s.setWorkers(false);
    s.submit("x", "a", "u");
    s.submit("y", "b", "v");
    assert.deepEqual(s.started, []);
    s.setWorkers(true);
    assert.deepEqual(s.started, ["x", "y"]);
  });
});
