/**
 * Guest sources of `context.services.get("mongodb-atlas")` (`gatehouse:mongo`) and `context.http`
 * (`gatehouse:http`). Neither touches data or the network itself: each operation is one host call
 * (`run(method, args)` for data, `transport(requestJson)` for HTTP) that the worker forwards.
 *
 * MongoDB shape as App Services had it: `db(name).collection(name)` with `findOne(query,
 * projection, options)`, `find(...)` returning a lazy cursor (`sort`, `limit`, `skip`, `project`,
 * `toArray`, `next`, `hasNext`, `forEach`), `count`, `insertOne`, `updateOne(query, update,
 * {upsert})`, ... HTTP: requests take `{url | scheme, host, path, query, fragment, username,
 * password, headers, body, encodeBodyAsJSON, form, followRedirects}`; responses are `{status,
 * statusCode, contentLength, headers: {Name: [values]}, cookies, body}` with `body` a BSON Binary
 * carrying `text()`, so `JSON.parse(response.body.text())` works unchanged.
 */

const MONGO = String.raw`
const UNSUPPORTED = ["aggregate", "distinct", "findOneAndUpdate", "findOneAndReplace", "findOneAndDelete", "bulkWrite", "watch"];
function compact(options) {
  const out = {};
  for (const key of Object.keys(options)) if (options[key] !== undefined && options[key] !== null) out[key] = options[key];
  return out;
}
class RemoteCursor {
  constructor(run, query, options) { this._run = run; this._query = query; this._options = options; this._buffer = undefined; }
  sort(spec) { this._options.sort = spec; return this; }
  limit(n) { this._options.limit = n; return this; }
  skip(n) { this._options.skip = n; return this; }
  project(p) { this._options.projection = p; return this; }
  async _fetch() { if (this._buffer === undefined) this._buffer = await this._run("find", [this._query, this._options]); return this._buffer; }
  async toArray() { const rest = await this._fetch(); this._buffer = []; return rest; }
  async next() { const b = await this._fetch(); return b.length ? b.shift() : null; }
  async hasNext() { return (await this._fetch()).length > 0; }
  async forEach(fn) { for (const doc of await this.toArray()) await fn(doc); }
}
class RemoteCollection {
  constructor(run) {
    this._run = run;
    for (const name of UNSUPPORTED) Object.defineProperty(this, name, { value: () => Promise.reject(new Error("collection." + name + "() is not supported by Gatehouse yet")) });
  }
  findOne(query = {}, projection, options = {}) { return this._run("findOne", [query, compact({ projection, sort: options && options.sort })]); }
  find(query = {}, projection, options = {}) {
    return new RemoteCursor(this._run, query, compact({ projection, sort: options && options.sort, limit: options && options.limit, skip: options && options.skip }));
  }
  count(query = {}, options = {}) { return this.countDocuments(query, options); }
  countDocuments(query = {}, options = {}) { return this._run("countDocuments", [query, compact({ limit: options && options.limit, skip: options && options.skip })]); }
  insertOne(document) { return this._run("insertOne", [document]); }
  insertMany(documents) { return this._run("insertMany", [documents]); }
  updateOne(query, update, options = {}) { return this._run("updateOne", [query, update, { upsert: !!(options && options.upsert) }]); }
  updateMany(query, update, options = {}) { return this._run("updateMany", [query, update, { upsert: !!(options && options.upsert) }]); }
  deleteOne(query = {}) { return this._run("deleteOne", [query]); }
  deleteMany(query = {}) { return this._run("deleteMany", [query]); }
}
exports.client = (service, run) => ({
  db(database) {
    if (typeof database !== "string" || !database) throw new TypeError("db() expects a database name");
    return {
      collection(collection) {
        if (typeof collection !== "string" || !collection) throw new TypeError("collection() expects a collection name");
        return new RemoteCollection((method, args) => run(method, [database, collection, ...args]));
      },
    };
  },
});
`;

const HTTP = String.raw`
const { Buffer } = require("buffer");
const BSONLib = globalThis.BSON;
const EJSONLib = BSONLib.EJSON;
const Binary = BSONLib.Binary;
function buildUrl(r) {
  if (typeof r.url === "string" && r.url) return r.url;
  if (!r.host) throw new TypeError("context.http: give url, or scheme and host");
  const auth = r.username ? encodeURIComponent(r.username) + (r.password ? ":" + encodeURIComponent(r.password) : "") + "@" : "";
  let url = (r.scheme || "https") + "://" + auth + r.host;
  if (r.path) url += r.path.startsWith("/") ? r.path : "/" + r.path;
  const query = [];
  for (const name of Object.keys(r.query || {})) {
    const value = r.query[name];
    for (const v of Array.isArray(value) ? value : [value]) query.push(encodeURIComponent(name) + "=" + encodeURIComponent(String(v)));
  }
  if (query.length) url += "?" + query.join("&");
  if (r.fragment) url += "#" + r.fragment;
  return url;
}
function bodyOf(r, headers) {
  if (r.form) return { kind: "form", data: Object.entries(r.form).map(([k, v]) => [String(k), String(v)]) };
  const b = r.body;
  if (b === undefined || b === null) return null;
  if (r.encodeBodyAsJSON) {
    if (!headers.some(([n]) => n.toLowerCase() === "content-type")) headers.push(["content-type", "application/json"]);
    return { kind: "text", data: EJSONLib.stringify(b, { relaxed: true }) };
  }
  if (b instanceof Binary) return { kind: "base64", data: b.toString("base64") };
  if (ArrayBuffer.isView(b)) return { kind: "base64", data: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64") };
  if (typeof b === "object") return { kind: "text", data: EJSONLib.stringify(b, { relaxed: true }) };
  return { kind: "text", data: String(b) };
}
async function send(transport, method, r) {
  const headers = [];
  for (const name of Object.keys(r.headers || {})) {
    const value = r.headers[name];
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, String(v)]);
  }
  const request = { method, url: buildUrl(r), headers, body: bodyOf(r, headers), followRedirects: !!r.followRedirects };
  const response = JSON.parse(await transport(JSON.stringify(request)));
  const bytes = Buffer.from(response.body, "base64");
  const body = Binary.createFromBase64(response.body, 0);
  Object.defineProperty(body, "text", { value: () => bytes.toString("utf8") });
  return { status: response.status, statusCode: response.statusCode, contentLength: bytes.length, headers: response.headers, cookies: response.cookies, body };
}
exports.client = (transport) => {
  const method = (m) => (request) => send(transport, m, request || {});
  return { get: method("GET"), post: method("POST"), put: method("PUT"), patch: method("PATCH"), delete: method("DELETE"), head: method("HEAD") };
};
`;

/** Sources of the service clients, by module id. */
export const GUEST_SERVICE_MODULES: Record<string, string> = {
  "gatehouse:mongo": MONGO,
  "gatehouse:http": HTTP,
};
