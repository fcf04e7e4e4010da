import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Admission, type Ticket } from "../../src/functions/scheduler.js";
import type { FunctionExecutionError } from "../../src/functions/errors.js";

/** An admission whose worker supply the test controls; records the order calls start in. */
function setup(limits = { perUser: 2, perApp: 3, maxQueuedPerApp: 2 }) {
  const started: string[] = [];
  const rejected: FunctionExecutionError[] = [];
  let workers = true;
  /** Whether only a regular worker may take a call; with `regularWorkers` false, only surge ones are free. */
  let regularWorkers = true;
  const admission = new Admission(limits, (regularOnly) => (workers && (regularWorkers || !regularOnly) ? "worker" : undefined));
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
    tickets,
    started,
    rejected,
    submit,
    finish: (name: string) => admission.finished(tickets.get(name)!),
    handBack: (names: string[], regularOnly = false) => {
      for (const name of names) unstart(started, name);
      admission.handBack(names.map((name) => ({ ticket: tickets.get(name)!, regularOnly })));
    },
    setRegularWorkers: (on: boolean) => {
      regularWorkers = on;
      if (on) admission.pump();
    },
    setWorkers: (on: boolean) => {
      workers = on;
      if (on) admission.pump();
    },
  };
}

/** A handed-back call is no longer running: it leaves the list of started ones until it starts again. */
function unstart(started: string[], name: string): void {
  started.splice(started.lastIndexOf(name), 1);
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

  it("places handed-back calls before waiting ones, still counted against their user's limit", () => {
    const s = setup({ perUser: 2, perApp: 5, maxQueuedPerApp: 5 });
    s.setWorkers(false);
    s.submit("u1", "a", "u");
    s.setWorkers(true);
    s.submit("u2", "a", "u");
    s.submit("u3", "a", "u"); // over the user's limit: waits
    assert.deepEqual(s.started, ["u1", "u2"]);
    s.setWorkers(false);
    s.handBack(["u2"]);
    assert.equal(s.admission.waiting, 2);
    s.submit("v1", "a", "v");
    s.setWorkers(true);
    // u2 goes first and still counts: u3 keeps waiting behind the user's limit.
    assert.deepEqual(s.started, ["u1", "u2", "v1"]);
    s.finish("u1");
    assert.deepEqual(s.started, ["u1", "u2", "v1", "u3"]);
  });

  it("a call handed back by its own caller's loop waits for a regular worker while others take a surge one", () => {
    const s = setup({ perUser: 5, perApp: 5, maxQueuedPerApp: 5 });
    s.submit("loop", "a", "u");
    s.submit("own", "a", "u");
    s.setRegularWorkers(false);
    s.handBack(["own"], true);
    s.submit("other", "a", "v");
    assert.deepEqual(s.started, ["loop", "other"]);
    s.setRegularWorkers(true);
    assert.deepEqual(s.started, ["loop", "other", "own"]);
  });

  it("hands waiting and handed-back calls over when the lane closes", () => {
    const s = setup({ perUser: 1, perApp: 5, maxQueuedPerApp: 5 });
    s.submit("a1", "a", "u");
    s.submit("a2", "a", "u");
    s.setWorkers(false);
    s.handBack(["a1"]);
    // The handed-back call first: it arrived before the one still waiting.
    assert.deepEqual(s.admission.drain(), [s.tickets.get("a1"), s.tickets.get("a2")]);
    assert.equal(s.admission.waiting, 0);
  });
});
