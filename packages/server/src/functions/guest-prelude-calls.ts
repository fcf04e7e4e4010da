/** Guest code, part of the prelude (guest-prelude.ts): live calls, the entry points the host calls (`begin`, `end`, `hostResult`, `fire`) and calls out to the host (services, HTTP). */
export const PRELUDE_CALLS = String.raw`
  // ---- calls -------------------------------------------------------------------------------------
  /** Live calls by id: { id, user, request, logs }. */
  const calls = new MapCtor();
  /** The call on whose behalf the worker entered the VM (set by every entry point). */
  let active = 0;
  const functions = new MapCtor();

  /** Error text as the caller sees it: built-in error names kept, a plain Error gives its message. */
  function describe(error) {
    if (error && typeof error === "object" && typeof error.message === "string") {
      const name = typeof error.name === "string" ? error.name : "Error";
      return name === "Error" ? error.message : name + ": " + error.message;
    }
    if (typeof error === "string") return error;
    try {
      return encode(error);
    } catch (e) {
      return String(error);
    }
  }

  /**
   * Ends a call with its outcome. A call that ended within its first entry returns "1" + EJSON or
   * "0" + message to the host as begin's value (no host-function call); a later one calls gh.done.
   */
  function finish(id, ok, value, sync) {
    if (!calls.has(id)) return undefined;
    let text;
    if (ok) {
      try {
        text = encode(value);
      } catch (error) {
        ok = false;
        text = "result cannot be serialized: " + describe(error);
      }
    } else {
      text = describe(value);
    }
    end(id);
    if (sync) return (ok ? "1" : "0") + text;
    gh.done(id, ok, text);
    return undefined;
  }

  function end(id) {
    const record = calls.get(id);
    if (!record) return;
    calls.delete(id);
    if (record.timers !== null) {
      for (const timer of record.timers) {
        timers.delete(timer);
        gh.clearTimer(id, timer);
      }
    }
    if (record.waiters !== null) for (const waiter of record.waiters) hostWaiters.delete(waiter);
  }

  function invoke(record, name, args, runningAsSystem) {
    const fn = functions.get(name);
    if (!fn) throw new ErrorCtor("function not found: '" + name + "'");
    if (!fn.factory) throw new ErrorCtor(fn.problem);
    const exported = fn.factory(makeContext(record, runningAsSystem || fn.runAsSystem));
    if (typeof exported !== "function") {
      throw new TypeErrorCtor("function '" + name + "' must export a function: exports = function (...) { ... }");
    }
    return call(exported, undefined, args);
  }

  const entry = {
    /** Registers a compiled function: factory(context) evaluates the source and returns its export. */
    register(name, factory, runAsSystem, problem) {
      functions.set(name, { factory, runAsSystem, problem });
    },
    /** Starts a call; returns its outcome when it ended at once (see finish), else undefined. */
    begin(id, name, argsText, runningAsSystem) {
      active = id;
      // Timers and host waiters are made on first use: most calls have neither.
      const record = { id, decoded: false, user: null, request: undefined, timers: null, waiters: null };
      calls.set(id, record);
      let started;
      try {
        const args = decode(argsText);
        started = invoke(record, name, isArray(args) ? args : [args], runningAsSystem);
      } catch (error) {
        return finish(id, false, error, true);
      }
      if (started !== null && (typeof started === "object" || typeof started === "function") && typeof started.then === "function") {
        PromiseCtor.resolve(started).then(
          (value) => finish(id, true, value, false),
          (error) => finish(id, false, error, false),
        );
        return undefined;
      }
      return finish(id, true, started, true);
    },
    /** The host ended a call (timeout, cancel): forget it and its timers. */
    end(id) {
      end(id);
    },
    hostResult(hostId, ok, text) {
      const waiter = hostWaiters.get(hostId);
      if (!waiter) return;
      hostWaiters.delete(hostId);
      active = waiter.call.id;
      if (waiter.call.waiters !== null) waiter.call.waiters.delete(hostId);
      if (!ok) return waiter.reject(new ErrorCtor(text));
      let value;
      try {
        value = waiter.raw ? text : decode(text);
      } catch (error) {
        return waiter.reject(error);
      }
      waiter.resolve(value);
    },
    fire(timerId) {
      const timer = timers.get(timerId);
      if (!timer) return;
      active = timer.call.id;
      if (!timer.repeat) {
        timers.delete(timerId);
        timer.call.timers.delete(timerId);
      }
      try {
        call(timer.fn, undefined, timer.args);
      } catch (error) {
        logTo(timer.call.id, "ERROR: uncaught exception in timer callback: " + inspectAll([error]));
      }
    },
    /** Runs orphan microtask-free code on behalf of a call (used by the host before draining jobs). */
    activate(id) {
      active = id;
    },
  };

  // ---- host calls --------------------------------------------------------------------------------
  const hostWaiters = new MapCtor();
  let nextHostId = 1;
  function currentRecord(what) {
    const record = calls.get(active);
    if (!record) throw new ErrorCtor(what + " can only be used while the function runs");
    return record;
  }
  function hostCall(record, start, raw) {
    const hostId = nextHostId++;
    return new PromiseCtor((resolve, reject) => {
      hostWaiters.set(hostId, { call: record, resolve, reject, raw });
      (record.waiters ??= new SetCtor()).add(hostId);
      start(hostId);
    });
  }
  function service(record, kind, name, method, args) {
    let text;
    try {
      text = encode(args);
    } catch (error) {
      return PromiseCtor.reject(new ErrorCtor(name + "." + method + ": arguments cannot be serialized: " + describe(error)));
    }
    return hostCall(record, (hostId) => gh.host(record.id, hostId, kind, name, method, text));
  }

`;
