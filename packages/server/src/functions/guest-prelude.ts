/**
 * Source of the code that runs *inside* each app's QuickJS VM before any function code: the call
 * entry points the worker uses, `context`, `console`, timers and the CommonJS `require`.
 *
 * It is evaluated once per VM as `(function (gh, builtins) {...})` and receives `gh`, the object of
 * host functions (guest-bridge.ts), as an argument: `gh` is never put on `globalThis`, so function
 * code cannot call the host directly (for example with another call's id). Everything the prelude
 * relies on later is captured up front, so function code that replaces `JSON`, `BSON` or array
 * methods breaks only itself. Values cross as canonical EJSON text; only strings, numbers, booleans
 * and ArrayBuffers ever pass between host and guest.
 */
export const GUEST_PRELUDE = String.raw`(function (gh, builtinSources) {
  "use strict";
  const G = globalThis;
  const BSONLib = G.BSON;
  const EJSONLib = BSONLib.EJSON;
  const ejsonParse = EJSONLib.parse;
  const ejsonStringify = EJSONLib.stringify;
  const jsonParse = JSON.parse;
  const jsonStringify = JSON.stringify;
  const ObjectKeys = Object.keys;
  const defineProperty = Object.defineProperty;
  const isArray = Array.isArray;
  const isView = ArrayBuffer.isView;
  const toTag = Object.prototype.toString;
  const hasOwn = Object.prototype.hasOwnProperty;
  const call = (fn, self, args) => Reflect.apply(fn, self, args);
  const PromiseCtor = Promise;
  const MapCtor = Map;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const indirectEval = G.eval;

  /** Canonical EJSON text; undefined becomes null. */
  function encode(value) {
    switch (typeof value) {
      case "undefined":
        return "null";
      case "string":
      case "boolean":
        return jsonStringify(value);
      case "number":
        // Canonical EJSON of a number, as bson writes it: Int32 when integral and in range.
        if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 && !Object.is(value, -0)) return '{"$numberInt":"' + value + '"}';
        break;
      case "object":
        if (value === null) return "null";
    }
    return ejsonStringify(value, { relaxed: false });
  }
  /** The driver's view: Int32/Double as numbers, BSON regexes as RegExp. */
  function promote(v) {
    if (v === null || typeof v !== "object") return v;
    if (isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = promote(v[i]);
      return v;
    }
    const t = v._bsontype;
    if (t === "Int32" || t === "Double") return v.value;
    if (t === "BSONRegExp") return new RegExp(v.pattern, v.options.replace(/[^imsu]/g, ""));
    if (t !== undefined || isView(v)) return v;
    const tag = call(toTag, v, []);
    if (tag !== "[object Object]") return v;
    for (const key of ObjectKeys(v)) {
      const inner = promote(v[key]);
      if (inner !== v[key]) defineProperty(v, key, { value: inner, enumerable: true, writable: true, configurable: true });
    }
    return v;
  }
  /** Text from the host: "J" + plain JSON (guest-wire.ts), or canonical EJSON. */
  function decode(text) {
    if (text.charCodeAt(0) === 74) return jsonParse(text.slice(1));
    return text.indexOf('"$') >= 0 ? promote(ejsonParse(text, { relaxed: false })) : jsonParse(text);
  }

  // ---- require -----------------------------------------------------------------------------------
  const builtinCache = new MapCtor();
  /** Stateless host helpers for the built-in modules (no call ids: nothing to misuse). */
  const native = { crypto: gh.crypto, zlib: gh.zlib, url: gh.url };
  const packageCache = new MapCtor();
  function loadCommonJs(id, source, requireFrom) {
    const module = { exports: {}, id, filename: id, loaded: false };
    const dir = id.slice(0, id.lastIndexOf("/")) || "/";
    const wrapper = indirectEval("(function (exports, require, module, __filename, __dirname) {" + source + "\n})");
    call(wrapper, module.exports, [module.exports, requireFrom(id), module, id, dir]);
    module.loaded = true;
    return module;
  }
  /** Modules the sandbox ships (Buffer and the allowlisted built-ins), by name. */
  function builtin(name) {
    if (builtinCache.has(name)) return builtinCache.get(name).exports;
    const source = builtinSources[name];
    if (source === undefined) return undefined;
    const module = { exports: {} };
    builtinCache.set(name, module);
    const wrapper = indirectEval("(function (exports, require, module, native) {" + source + "\n})");
    call(wrapper, module.exports, [module.exports, (n) => requireBuiltin(n), module, native]);
    return module.exports;
  }
  function requireBuiltin(name) {
    const found = builtin(name);
    if (found === undefined) throw new ErrorCtor("internal module '" + name + "' missing");
    return found;
  }
  const allowed = jsonParse(gh.allowlist());
  function requireFor(fromFile) {
    return function require(name) {
      if (typeof name !== "string" || name.length === 0) throw new TypeErrorCtor("require expects a module name");
      const bare = name.startsWith("node:") ? name.slice(5) : name;
      if (allowed.includes(bare)) return requireBuiltin("node:" + bare);
      const answer = jsonParse(gh.module(fromFile || "", name));
      if (answer.error) throw new ErrorCtor(answer.error);
      if (packageCache.has(answer.id)) return packageCache.get(answer.id).exports;
      if (answer.json) {
        const module = { exports: jsonParse(answer.source) };
        packageCache.set(answer.id, module);
        return module.exports;
      }
      const module = { exports: {} };
      packageCache.set(answer.id, module);
      const loaded = loadCommonJs(answer.id, answer.source, requireFor);
      packageCache.set(answer.id, loaded);
      return loaded.exports;
    };
  }
  G.require = requireFor(null);

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

  function finish(id, ok, value) {
    if (!calls.has(id)) return;
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
    gh.done(id, ok, text);
  }

  function end(id) {
    const record = calls.get(id);
    if (!record) return;
    calls.delete(id);
    for (const timer of record.timers) {
      timers.delete(timer);
      gh.clearTimer(id, timer);
    }
    for (const waiter of record.waiters) hostWaiters.delete(waiter);
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
    begin(id, name, argsText, userText, requestText, runningAsSystem) {
      active = id;
      const record = { id, userText, requestText, decoded: false, user: null, request: undefined, timers: new Set(), waiters: new Set() };
      calls.set(id, record);
      let started;
      try {
        const args = decode(argsText);
        started = invoke(record, name, isArray(args) ? args : [args], runningAsSystem);
      } catch (error) {
        return finish(id, false, error);
      }
      if (started !== null && (typeof started === "object" || typeof started === "function") && typeof started.then === "function") {
        PromiseCtor.resolve(started).then(
          (value) => finish(id, true, value),
          (error) => finish(id, false, error),
        );
      } else {
        finish(id, true, started);
      }
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
      waiter.call.waiters.delete(hostId);
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
      record.waiters.add(hostId);
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
    record.timers.add(id);
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
      record.user = decode(record.userText);
      const request = decode(record.requestText);
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
})`;
