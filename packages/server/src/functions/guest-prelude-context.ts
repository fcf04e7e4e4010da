/** Guest code, last part of the prelude (guest-prelude.ts): `console`, timers, `context` and the globals function code sees; returns the entry points. */
export const PRELUDE_CONTEXT = String.raw`
  // ---- console -----------------------------------------------------------------------------------
  function logTo(id, line) {
    gh.log(id, line);
  }
  const util = requireBuiltin("node:util");
  const inspectAll = (args) => call(util.format, undefined, args);
  const printer = (level) =>
    function () {
      const text = inspectAll(Array.prototype.slice.call(arguments));
      logTo(calls.has(active) ? active : 0, level === "log" ? text : level.toUpperCase() + ": " + text);
    };
  G.console = { log: printer("log"), info: printer("info"), warn: printer("warn"), error: printer("error"), debug: printer("debug") };

  // ---- timers ------------------------------------------------------------------------------------
  const timers = new MapCtor();
  let nextTimerId = 1;
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== "function") throw new TypeErrorCtor("timer callback must be a function");
    const record = currentRecord("timers");
    const id = nextTimerId++;
    timers.set(id, { fn, args, repeat, call: record });
    (record.timers ??= new SetCtor()).add(id);
    gh.timer(record.id, id, Math.max(0, Number(ms) || 0), repeat);
    return id;
  }
  function clearTimer(id) {
    const timer = timers.get(id);
    if (!timer) return;
    timers.delete(id);
    timer.call.timers.delete(id);
    gh.clearTimer(timer.call.id, id);
  }
  G.setTimeout = (fn, ms, ...args) => addTimer(fn, ms, args, false);
  G.setInterval = (fn, ms, ...args) => addTimer(fn, ms, args, true);
  G.setImmediate = (fn, ...args) => addTimer(fn, 0, args, false);
  G.clearTimeout = clearTimer;
  G.clearInterval = clearTimer;
  G.clearImmediate = clearTimer;
  G.queueMicrotask = (fn) => {
    PromiseCtor.resolve().then(() => fn());
  };

  // ---- context -----------------------------------------------------------------------------------
  const values = decode(gh.values());
  const environment = gh.environment();
  const hostServices = jsonParse(gh.hostServices());
  /** Decodes the caller and request on first use: most functions never read them. */
  function identity(record) {
    if (!record.decoded) {
      record.decoded = true;
      // Sent with the call but copied into the VM only now: most functions never read them.
      record.user = decode(gh.identity(record.id, "user"));
      const request = decode(gh.identity(record.id, "request"));
      record.request = request === null ? undefined : request;
    }
    return record;
  }
  /**
   * Context objects share one prototype whose getters build each part on first use, per context
   * (per function invocation: runningAsSystem differs between nested executes).
   */
  const contextProto = {
    get user() {
      return identity(this._r).user;
    },
    get request() {
      return identity(this._r).request;
    },
    get values() {
      return (this._values ??= { get: (name) => (hasOwn.call(values, name) ? decode(encode(values[name])) : undefined) });
    },
    get environment() {
      return (this._environment ??= decode(environment));
    },
    get functions() {
      const record = this._r;
      const system = this._system;
      return (this._functions ??= {
        execute(name, ...args) {
          if (!calls.has(record.id)) throw new ErrorCtor("context.functions.execute can only be used while a function runs");
          return invoke(record, String(name), args, system);
        },
      });
    },
    get services() {
      const record = this._r;
      const clients = new MapCtor();
      return (this._services ??= {
        get(name) {
          if (typeof name !== "string" || !name) throw new TypeErrorCtor("services.get() expects a service name");
          if (!clients.has(name)) clients.set(name, serviceClient(record, name));
          return clients.get(name);
        },
      });
    },
    get http() {
      return (this._http ??= httpClient(this._r));
    },
    get runningAsSystem() {
      const system = this._system;
      return () => system;
    },
  };
  function makeContext(record, runningAsSystem) {
    const context = Object.create(contextProto);
    defineProperty(context, "_r", { value: record });
    defineProperty(context, "_system", { value: runningAsSystem });
    return context;
  }
  const mongo = requireBuiltin("gatehouse:mongo");
  const http = requireBuiltin("gatehouse:http");
  function serviceClient(record, name) {
    const methods = hasOwn.call(hostServices, name) ? hostServices[name] : undefined;
    if (!methods) return mongo.client(name, (method, args) => service(record, "data", name, method, args));
    const client = {};
    for (const method of methods) client[method] = (...args) => service(record, "service", name, method, args);
    // Name the missing method in the error, as V8 would ("x.dropEverything is not a function").
    return new Proxy(client, {
      get(target, key) {
        if (typeof key !== "string" || hasOwn.call(target, key) || key === "then") return target[key];
        return () => {
          throw new TypeErrorCtor("context.services.get(" + jsonStringify(name) + ")." + key + " is not a function");
        };
      },
    });
  }
  function httpClient(record) {
    const transport = (text) => hostCall(record, (hostId) => gh.fetch(record.id, hostId, text), true);
    return http.client(transport);
  }
  defineProperty(G, "context", {
    get() {
      const record = calls.get(active);
      return record ? makeContext(record, false) : undefined;
    },
    configurable: false,
  });

  G.Buffer = requireBuiltin("buffer").Buffer;
  G.EJSON = EJSONLib;
  // bson draws ObjectId and UUID randomness from globalThis.crypto when present.
  G.crypto = requireBuiltin("node:crypto").webcrypto;
  const web = requireBuiltin("gatehouse:web");
  for (const key of ObjectKeys(web)) G[key] = web[key];
  return entry;

`;
