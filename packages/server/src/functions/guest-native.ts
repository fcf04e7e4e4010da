/**
 * Guest sources of the modules that need the host: `crypto` and `zlib` (computed by the worker's
 * Node, bounded so a call cannot block its worker for long), and `gatehouse:web` (the web globals:
 * `URL` parsed by the host's WHATWG parser, `URLSearchParams`, `TextEncoder`/`TextDecoder`, `atob`,
 * `btoa`, `structuredClone`, `AbortController`). Their 4th wrapper argument `native` holds the
 * stateless host functions (`crypto`, `zlib`, `url`); they know nothing about calls, so function code
 * reaching them gains nothing.
 */

const CRYPTO = String.raw`
const { Buffer } = require("buffer");
const bytes = (data, enc) => {
  if (typeof data === "string") return Buffer.from(data, enc || "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  throw new TypeError("data must be a string, Buffer, TypedArray or DataView");
};
const ab = (buf) => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
const out = (result, enc) => { const b = Buffer.from(result); return enc ? b.toString(enc) : b; };
class Hash {
  constructor(kind, alg, key) { this.kind = kind; this.alg = String(alg); this.key = key; this.parts = []; native.crypto("check", this.alg); }
  update(data, enc) { if (this.parts === null) throw new Error("Digest already called"); this.parts.push(bytes(data, enc)); return this; }
  digest(enc) {
    if (this.parts === null) throw new Error("Digest already called");
    const data = Buffer.concat(this.parts);
    this.parts = null;
    return out(this.kind === "hmac" ? native.crypto("hmac", this.alg, ab(this.key), ab(data)) : native.crypto("hash", this.alg, ab(data)), enc);
  }
}
function randomBytes(n, cb) {
  const size = Number(n);
  if (!Number.isInteger(size) || size < 0 || size > 65536) throw new RangeError("randomBytes: size must be an integer from 0 to 65536");
  const b = Buffer.from(native.crypto("random", size));
  if (typeof cb === "function") { setTimeout(() => cb(null, b), 0); return undefined; }
  return b;
}
module.exports = {
  createHash: (alg) => new Hash("hash", alg),
  createHmac: (alg, key) => new Hash("hmac", alg, bytes(key)),
  randomBytes,
  randomUUID: () => native.crypto("uuid"),
  randomInt(min, max) {
    if (max === undefined) { max = min; min = 0; }
    const range = max - min;
    if (!(range > 0) || range > 2 ** 48) throw new RangeError("randomInt: bad range");
    const b = Buffer.from(native.crypto("random", 6));
    return min + Math.floor((b.readUIntBE(0, 6) / 2 ** 48) * range);
  },
  getRandomValues(view) {
    if (!ArrayBuffer.isView(view) || view.byteLength > 65536) throw new TypeError("getRandomValues expects a TypedArray of at most 65536 bytes");
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(new Uint8Array(native.crypto("random", view.byteLength)));
    return view;
  },
  timingSafeEqual(a, b) {
    if (a.byteLength !== b.byteLength) throw new RangeError("Input buffers must have the same byte length");
    const x = bytes(a), y = bytes(b);
    let diff = 0;
    for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
    return diff === 0;
  },
  getHashes: () => JSON.parse(native.crypto("hashes")),
};
module.exports.webcrypto = { getRandomValues: module.exports.getRandomValues, randomUUID: module.exports.randomUUID };
`;

const ZLIB = String.raw`
const { Buffer } = require("buffer");
const run = (op) => (data) => {
  const input = typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data);
  return Buffer.from(native.zlib(op, input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength)));
};
const ops = ["gzip", "gunzip", "deflate", "inflate", "deflateRaw", "inflateRaw", "unzip", "brotliCompress", "brotliDecompress"];
for (const op of ops) {
  const sync = run(op);
  module.exports[op + "Sync"] = (data) => sync(data);
  module.exports[op] = (data, opts, cb) => {
    const done = typeof opts === "function" ? opts : cb;
    let result, error = null;
    try { result = sync(data); } catch (e) { error = e; }
    setTimeout(() => done(error, result), 0);
  };
}
`;

const WEB = String.raw`
const { Buffer } = require("buffer");
const enc = (s) => encodeURIComponent(s).replace(/%20/g, "+");
const dec = (s) => { try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch (e) { return s; } };
class URLSearchParams {
  constructor(init) {
    this._list = [];
    this._url = null;
    if (typeof init === "string") this._parse(init);
    else if (init && typeof init === "object") {
      const entries = typeof init[Symbol.iterator] === "function" ? [...init] : Object.entries(init);
      for (const [k, v] of entries) this._list.push([String(k), String(v)]);
    }
  }
  _parse(s) {
    this._list = [];
    for (const part of (s.startsWith("?") ? s.slice(1) : s).split("&")) {
      if (!part) continue;
      const i = part.indexOf("=");
      this._list.push(i < 0 ? [dec(part), ""] : [dec(part.slice(0, i)), dec(part.slice(i + 1))]);
    }
  }
  _update() { if (this._url) this._url._setSearch(this.toString()); }
  append(k, v) { this._list.push([String(k), String(v)]); this._update(); }
  delete(k) { this._list = this._list.filter(([x]) => x !== k); this._update(); }
  get(k) { const e = this._list.find(([x]) => x === k); return e ? e[1] : null; }
  getAll(k) { return this._list.filter(([x]) => x === k).map(([, v]) => v); }
  has(k) { return this._list.some(([x]) => x === k); }
  set(k, v) { const i = this._list.findIndex(([x]) => x === k); if (i < 0) this._list.push([String(k), String(v)]); else { this._list[i][1] = String(v); this._list = this._list.filter(([x], j) => x !== k || j === i); } this._update(); }
  sort() { this._list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this._update(); }
  forEach(fn, self) { for (const [k, v] of this._list) fn.call(self, v, k, this); }
  keys() { return this._list.map(([k]) => k)[Symbol.iterator](); }
  values() { return this._list.map(([, v]) => v)[Symbol.iterator](); }
  entries() { return this._list.map((e) => [e[0], e[1]])[Symbol.iterator](); }
  [Symbol.iterator]() { return this.entries(); }
  get size() { return this._list.length; }
  toString() { return this._list.map(([k, v]) => enc(k) + "=" + enc(v)).join("&"); }
}
const PARTS = ["href", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash", "origin"];
class URL {
  constructor(input, base) { this._set(native.url(String(input), base === undefined ? "" : String(base), "", "")); }
  _set(text) {
    const parts = JSON.parse(text);
    if (parts.error) throw new TypeError(parts.error);
    this._parts = parts;
    if (!this._params) { this._params = new URLSearchParams(parts.search); this._params._url = this; }
    else this._params._parse(parts.search);
  }
  _setSearch(search) { this._set(native.url(this._parts.href, "", "search", search)); }
  get searchParams() { return this._params; }
  toString() { return this._parts.href; }
  toJSON() { return this._parts.href; }
  static canParse(input, base) { try { new URL(input, base); return true; } catch (e) { return false; } }
}
for (const part of PARTS) {
  Object.defineProperty(URL.prototype, part, {
    get() { return this._parts[part]; },
    set(value) { if (part !== "origin") this._set(native.url(this._parts.href, "", part, String(value))); },
  });
}
class TextEncoder {
  get encoding() { return "utf-8"; }
  encode(s = "") { const b = Buffer.from(String(s), "utf8"); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); }
}
class TextDecoder {
  constructor(label = "utf-8") { this.encoding = String(label).toLowerCase(); }
  decode(view) { if (view === undefined) return ""; const b = ArrayBuffer.isView(view) ? Buffer.from(view.buffer, view.byteOffset, view.byteLength) : Buffer.from(view); return b.toString(this.encoding === "utf-16le" ? "utf16le" : this.encoding === "latin1" ? "latin1" : "utf8"); }
}
function clone(v, seen) {
  if (v === null || typeof v !== "object") { if (typeof v === "function") throw new Error("structuredClone: functions cannot be cloned"); return v; }
  if (seen.has(v)) return seen.get(v);
  let out;
  if (v instanceof Date) out = new Date(v.getTime());
  else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
  else if (ArrayBuffer.isView(v)) out = v.slice();
  else if (v instanceof Map) { out = new Map(); seen.set(v, out); for (const [k, x] of v) out.set(clone(k, seen), clone(x, seen)); return out; }
  else if (v instanceof Set) { out = new Set(); seen.set(v, out); for (const x of v) out.add(clone(x, seen)); return out; }
  else if (Array.isArray(v)) { out = []; seen.set(v, out); for (let i = 0; i < v.length; i++) out[i] = clone(v[i], seen); return out; }
  else { out = {}; seen.set(v, out); for (const k of Object.keys(v)) out[k] = clone(v[k], seen); return out; }
  seen.set(v, out);
  return out;
}
class AbortSignal {
  constructor() { this.aborted = false; this.reason = undefined; this._listeners = []; this.onabort = null; }
  addEventListener(type, fn) { if (type === "abort") this._listeners.push(fn); }
  removeEventListener(type, fn) { this._listeners = this._listeners.filter((x) => x !== fn); }
  throwIfAborted() { if (this.aborted) throw this.reason; }
}
class AbortController {
  constructor() { this.signal = new AbortSignal(); }
  abort(reason) {
    const s = this.signal;
    if (s.aborted) return;
    s.aborted = true;
    s.reason = reason === undefined ? new Error("This operation was aborted") : reason;
    if (typeof s.onabort === "function") s.onabort({ type: "abort" });
    for (const fn of s._listeners) fn({ type: "abort" });
  }
}
module.exports = {
  URL,
  URLSearchParams,
  TextEncoder,
  TextDecoder,
  AbortController,
  AbortSignal,
  atob: (s) => Buffer.from(String(s), "base64").toString("latin1"),
  btoa: (s) => Buffer.from(String(s), "latin1").toString("base64"),
  structuredClone: (v) => clone(v, new Map()),
};
`;

/** Sources of the host-backed built-ins, by module id. */
export const GUEST_NATIVE_MODULES: Record<string, string> = {
  "node:crypto": CRYPTO,
  "node:zlib": ZLIB,
  "gatehouse:web": WEB,
};
