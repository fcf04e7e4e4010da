/**
 * Sources of the Node-like modules function code may `require` inside the QuickJS VM (the
 * allow-list of sandbox-require.ts), written for the guest: `util`, `events`, `path`,
 * `querystring`, `string_decoder`, `assert`, `url`. `crypto` and `zlib` are in guest-native.ts
 * because they call the host. Each source is a CommonJS body run with `(exports, require, module,
 * native)`. They cover what App Services functions commonly use, not all of Node's API.
 */

const UTIL = String.raw`
const { Buffer } = require("buffer");
const toTag = Object.prototype.toString;
function quote(s) { return "'" + s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n") + "'"; }
function keyOf(k) { return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k); }
function inspect(value, opts) {
  const depth = opts && typeof opts.depth === "number" ? opts.depth : 2;
  const seen = [];
  function fmt(v, level) {
    if (v === null) return "null";
    switch (typeof v) {
      case "undefined": return "undefined";
      case "string": return level === 0 && opts && opts.top ? v : quote(v);
      case "number": return Object.is(v, -0) ? "-0" : String(v);
      case "bigint": return String(v) + "n";
      case "boolean": return String(v);
      case "symbol": return v.toString();
      case "function": return "[Function: " + (v.name || "(anonymous)") + "]";
    }
    if (seen.includes(v)) return "[Circular *1]";
    const tag = toTag.call(v);
    if (v instanceof Error || tag === "[object Error]") return v.stack ? String(v.stack).startsWith(String(v.name)) ? String(v.stack) : v.name + ": " + v.message + "\n" + v.stack : v.name + ": " + v.message;
    if (tag === "[object Date]") return isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
    if (tag === "[object RegExp]") return String(v);
    if (v._bsontype && typeof v.inspect === "function") { try { return v.inspect(); } catch (e) {} }
    if (v._bsontype === "ObjectId") return "new ObjectId('" + v.toHexString() + "')";
    if (Buffer.isBuffer(v)) {
      const hex = []; for (let i = 0; i < Math.min(v.length, 50); i++) hex.push(v[i].toString(16).padStart(2, "0"));
      return "<Buffer" + (hex.length ? " " + hex.join(" ") : "") + (v.length > 50 ? " ... " + (v.length - 50) + " more bytes" : "") + ">";
    }
    if (level > depth) return Array.isArray(v) ? "[Array]" : "[Object]";
    seen.push(v);
    let out;
    if (Array.isArray(v)) {
      const items = v.slice(0, 100).map((x) => fmt(x, level + 1));
      if (v.length > 100) items.push("... " + (v.length - 100) + " more items");
      out = items.length ? "[ " + items.join(", ") + " ]" : "[]";
    } else if (v instanceof Map) {
      out = "Map(" + v.size + ") {" + (v.size ? " " + [...v].map(([k, x]) => fmt(k, level + 1) + " => " + fmt(x, level + 1)).join(", ") + " " : "") + "}";
    } else if (v instanceof Set) {
      out = "Set(" + v.size + ") {" + (v.size ? " " + [...v].map((x) => fmt(x, level + 1)).join(", ") + " " : "") + "}";
    } else if (ArrayBuffer.isView(v)) {
      out = (v.constructor && v.constructor.name || "TypedArray") + "(" + v.length + ") [ " + Array.prototype.slice.call(v, 0, 100).join(", ") + " ]";
    } else {
      const keys = Object.keys(v);
      const proto = Object.getPrototypeOf(v);
      const name = proto && proto !== Object.prototype && proto.constructor && proto.constructor.name ? proto.constructor.name + " " : proto === null ? "[Object: null prototype] " : "";
      out = keys.length ? name + "{ " + keys.map((k) => keyOf(k) + ": " + fmt(v[k], level + 1)).join(", ") + " }" : name + "{}";
    }
    seen.pop();
    return out;
  }
  return fmt(value, 0);
}
function format(...args) {
  let out = "";
  let rest = args;
  if (typeof args[0] === "string") {
    rest = args.slice(1);
    out = args[0].replace(/%([sdifjoOc%])/g, (m, c) => {
      if (c === "%") return "%";
      if (!rest.length) return m;
      const a = rest.shift();
      switch (c) {
        case "s": return typeof a === "string" ? a : typeof a === "bigint" ? a + "n" : typeof a === "object" && a !== null ? inspect(a, { depth: 1 }) : String(a);
        case "d": return typeof a === "bigint" ? a + "n" : typeof a === "object" ? "NaN" : String(Number(a));
        case "i": return typeof a === "bigint" ? a + "n" : String(parseInt(a, 10));
        case "f": return String(parseFloat(a));
        case "j": try { return JSON.stringify(a); } catch (e) { return "[Circular]"; }
        case "c": return "";
        default: return inspect(a, { depth: 4 });
      }
    });
  } else if (args.length) {
    out = inspect(args[0], {});
    rest = args.slice(1);
  }
  for (const a of rest) out += " " + (typeof a === "string" ? a : inspect(a, {}));
  return out;
}
function promisify(fn) {
  if (typeof fn !== "function") throw new TypeError("promisify expects a function");
  return function (...args) {
    return new Promise((resolve, reject) => fn.call(this, ...args, (err, value) => (err ? reject(err) : resolve(value))));
  };
}
function isDeepStrictEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepStrictEqual(a[k], b[k]));
}
module.exports = {
  format,
  inspect,
  promisify,
  isDeepStrictEqual,
  inherits(ctor, superCtor) { Object.setPrototypeOf(ctor.prototype, superCtor.prototype); Object.setPrototypeOf(ctor, superCtor); },
  deprecate: (fn) => fn,
  types: {
    isDate: (v) => toTag.call(v) === "[object Date]",
    isRegExp: (v) => toTag.call(v) === "[object RegExp]",
    isPromise: (v) => v instanceof Promise,
  },
  isArray: Array.isArray,
  TextEncoder: globalThis.TextEncoder,
  TextDecoder: globalThis.TextDecoder,
};
`;

const EVENTS = String.raw`
class EventEmitter {
  constructor() { this._events = new Map(); }
  on(name, fn) { if (!this._events) this._events = new Map(); const l = this._events.get(name) || []; l.push(fn); this._events.set(name, l); return this; }
  addListener(name, fn) { return this.on(name, fn); }
  prependListener(name, fn) { if (!this._events) this._events = new Map(); this._events.set(name, [fn, ...(this._events.get(name) || [])]); return this; }
  once(name, fn) { const w = (...a) => { this.off(name, w); fn.apply(this, a); }; w.listener = fn; return this.on(name, w); }
  off(name, fn) { const l = this._events && this._events.get(name); if (l) { const i = l.findIndex((x) => x === fn || x.listener === fn); if (i >= 0) l.splice(i, 1); } return this; }
  removeListener(name, fn) { return this.off(name, fn); }
  removeAllListeners(name) { if (this._events) name === undefined ? this._events.clear() : this._events.delete(name); return this; }
  emit(name, ...args) {
    const l = this._events && this._events.get(name);
    if (!l || !l.length) { if (name === "error") throw args[0] instanceof Error ? args[0] : new Error("Unhandled error: " + args[0]); return false; }
    for (const fn of [...l]) fn.apply(this, args);
    return true;
  }
  listeners(name) { return [...((this._events && this._events.get(name)) || [])].map((f) => f.listener || f); }
  listenerCount(name) { return ((this._events && this._events.get(name)) || []).length; }
  eventNames() { return this._events ? [...this._events.keys()] : []; }
  setMaxListeners() { return this; }
}
EventEmitter.EventEmitter = EventEmitter;
EventEmitter.once = (emitter, name) => new Promise((resolve) => emitter.once(name, (...a) => resolve(a)));
module.exports = EventEmitter;
`;

const PATH = String.raw`
function normalizeParts(parts, absolute) {
  const out = [];
  for (const p of parts) {
    if (!p || p === ".") continue;
    if (p === "..") { if (out.length && out[out.length - 1] !== "..") out.pop(); else if (!absolute) out.push(".."); }
    else out.push(p);
  }
  return out;
}
function normalize(p) {
  const absolute = p.startsWith("/");
  const trailing = p.endsWith("/");
  let out = normalizeParts(p.split("/"), absolute).join("/");
  if (!out && !absolute) out = ".";
  if (out && trailing && out !== ".") out += "/";
  return (absolute ? "/" : "") + out;
}
function join(...parts) { const j = parts.filter((x) => x !== "").join("/"); return j ? normalize(j) : "."; }
function resolve(...parts) {
  let r = "";
  for (let i = parts.length - 1; i >= 0 && !r.startsWith("/"); i--) r = parts[i] + (r ? "/" + r : "");
  if (!r.startsWith("/")) r = "/" + r;
  const n = "/" + normalizeParts(r.split("/"), true).join("/");
  return n;
}
function dirname(p) { const i = p.replace(/\/+$/, "").lastIndexOf("/"); return i < 0 ? "." : i === 0 ? "/" : p.slice(0, i); }
function basename(p, ext) { let b = p.replace(/\/+$/, ""); b = b.slice(b.lastIndexOf("/") + 1); return ext && b.endsWith(ext) && b !== ext ? b.slice(0, -ext.length) : b; }
function extname(p) { const b = basename(p); const i = b.lastIndexOf("."); return i <= 0 ? "" : b.slice(i); }
function relative(from, to) {
  const a = resolve(from).split("/").filter(Boolean), b = resolve(to).split("/").filter(Boolean);
  let i = 0; while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...Array(a.length - i).fill(".."), ...b.slice(i)].join("/");
}
function parse(p) { const base = basename(p); const ext = extname(p); return { root: p.startsWith("/") ? "/" : "", dir: dirname(p), base, ext, name: ext ? base.slice(0, -ext.length) : base }; }
function format(o) { const dir = o.dir || o.root || ""; const base = o.base || (o.name || "") + (o.ext || ""); return dir ? (dir.endsWith("/") ? dir + base : dir + "/" + base) : base; }
const path = { sep: "/", delimiter: ":", normalize, join, resolve, dirname, basename, extname, relative, parse, format, isAbsolute: (p) => p.startsWith("/") };
path.posix = path;
module.exports = path;
`;

const QUERYSTRING = String.raw`
const esc = (s) => encodeURIComponent(s);
const unesc = (s) => { try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch (e) { return s; } };
function stringify(obj, sep = "&", eq = "=") {
  if (!obj || typeof obj !== "object") return "";
  return Object.keys(obj).flatMap((k) => (Array.isArray(obj[k]) ? obj[k] : [obj[k]]).map((v) => esc(k) + eq + esc(v === undefined || v === null ? "" : String(v)))).join(sep);
}
function parse(str, sep = "&", eq = "=") {
  const out = Object.create(null);
  if (typeof str !== "string" || !str) return out;
  for (const part of str.split(sep)) {
    if (!part) continue;
    const i = part.indexOf(eq);
    const k = unesc(i < 0 ? part : part.slice(0, i)), v = i < 0 ? "" : unesc(part.slice(i + eq.length));
    if (k in out) out[k] = [].concat(out[k], v); else out[k] = v;
  }
  return out;
}
module.exports = { stringify, parse, encode: stringify, decode: parse, escape: esc, unescape: unesc };
`;

const STRING_DECODER = String.raw`
const { Buffer } = require("buffer");
class StringDecoder {
  constructor(encoding) { this.encoding = (encoding || "utf8").toLowerCase().replace("-", ""); this.pending = Buffer.alloc(0); }
  write(buf) {
    if (typeof buf === "string") return buf;
    let data = Buffer.concat([this.pending, Buffer.from(buf)]);
    if (this.encoding !== "utf8") { this.pending = Buffer.alloc(0); return data.toString(this.encoding); }
    let end = data.length;
    for (let i = Math.max(0, data.length - 3); i < data.length; i++) {
      const b = data[i];
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (need > 1 && i + need > data.length) { end = i; break; }
    }
    this.pending = data.subarray(end);
    return data.subarray(0, end).toString("utf8");
  }
  end(buf) { const s = buf ? this.write(buf) : ""; const rest = this.pending.length ? this.pending.toString(this.encoding) : ""; this.pending = Buffer.alloc(0); return s + rest; }
}
module.exports = { StringDecoder };
`;

const ASSERT = String.raw`
const util = require("node:util");
class AssertionError extends Error {
  constructor(message) { super(message); this.name = "AssertionError"; this.code = "ERR_ASSERTION"; }
}
function fail(message, fallback) { if (message instanceof Error) throw message; throw new AssertionError(message || fallback); }
function ok(value, message) { if (!value) fail(message, "The expression evaluated to a falsy value"); }
const assert = (value, message) => ok(value, message);
Object.assign(assert, {
  AssertionError,
  ok,
  fail: (message) => fail(message, "Failed"),
  equal(a, b, m) { if (a != b) fail(m, util.inspect(a) + " == " + util.inspect(b)); },
  notEqual(a, b, m) { if (a == b) fail(m, util.inspect(a) + " != " + util.inspect(b)); },
  strictEqual(a, b, m) { if (!Object.is(a, b)) fail(m, "Expected values to be strictly equal: " + util.inspect(a) + " !== " + util.inspect(b)); },
  notStrictEqual(a, b, m) { if (Object.is(a, b)) fail(m, "Expected values to be not strictly equal: " + util.inspect(a)); },
  deepEqual(a, b, m) { if (!util.isDeepStrictEqual(a, b)) fail(m, "Expected values to be deeply equal"); },
  deepStrictEqual(a, b, m) { if (!util.isDeepStrictEqual(a, b)) fail(m, "Expected values to be strictly deep-equal"); },
  notDeepStrictEqual(a, b, m) { if (util.isDeepStrictEqual(a, b)) fail(m, "Expected values not to be deeply equal"); },
  throws(fn, expected, m) { try { fn(); } catch (e) { return; } fail(typeof expected === "string" ? expected : m, "Missing expected exception."); },
  async rejects(p, expected, m) { try { await (typeof p === "function" ? p() : p); } catch (e) { return; } fail(typeof expected === "string" ? expected : m, "Missing expected rejection."); },
  doesNotThrow(fn, m) { try { fn(); } catch (e) { fail(m, "Got unwanted exception: " + e.message); } },
  match(s, re, m) { if (!re.test(s)) fail(m, "The input did not match the regular expression " + re); },
});
assert.strict = assert;
module.exports = assert;
`;

/** Sources of the pure-guest built-ins, by module id (`node:<name>`). */
export const GUEST_NODE_MODULES: Record<string, string> = {
  "node:util": UTIL,
  "node:events": EVENTS,
  "node:path": PATH,
  "node:querystring": QUERYSTRING,
  "node:string_decoder": STRING_DECODER,
  "node:assert": ASSERT,
  "node:buffer": `module.exports = require("buffer");`,
  "node:url": `const web = require("gatehouse:web"); module.exports = { URL: web.URL, URLSearchParams: web.URLSearchParams, fileURLToPath() { throw new Error("url.fileURLToPath is not available in functions"); } };`,
};
