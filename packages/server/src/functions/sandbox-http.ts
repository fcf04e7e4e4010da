import { Binary, EJSON } from "bson";

/**
 * `context.http`: App Services' HTTP client, on `fetch`.
 *
 * Requests take `{url, headers, body, encodeBodyAsJSON, form, followRedirects}`; `url` may instead
 * be given in parts (`scheme, host, path, query, fragment, username, password`). Header values may be
 * strings or arrays of strings. Responses look like App Services' — `{status, statusCode,
 * contentLength, headers: {Name: [values]}, cookies, body}` — with `body` a BSON Binary carrying a
 * `text()` method, so `JSON.parse(response.body.text())` works unchanged.
 */
export interface HttpRequest {
  url?: string;
  scheme?: string;
  host?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  fragment?: string;
  username?: string;
  password?: string;
  headers?: Record<string, string | string[]>;
  body?: unknown;
  encodeBodyAsJSON?: boolean;
  form?: Record<string, string>;
  followRedirects?: boolean;
}

export interface HttpResponse {
  status: string;
  statusCode: number;
  contentLength: number;
  headers: Record<string, string[]>;
  cookies: Record<string, string>;
  body: Binary & { text(): string };
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";

export function sandboxHttp() {
  const call = (method: Method) => (request: HttpRequest) => send(method, request ?? {});
  return {
    get: call("GET"),
    post: call("POST"),
    put: call("PUT"),
    patch: call("PATCH"),
    delete: call("DELETE"),
    head: call("HEAD"),
  };
}

async function send(method: Method, request: HttpRequest): Promise<HttpResponse> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v));
  }
  let body: string | Uint8Array<ArrayBuffer> | URLSearchParams | undefined;
  if (request.form) {
    body = new URLSearchParams(request.form);
  } else if (request.body !== undefined && request.body !== null) {
    if (request.encodeBodyAsJSON) {
      body = EJSON.stringify(request.body, { relaxed: true });
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    } else if (request.body instanceof Binary) {
      body = copyBytes(request.body.buffer);
    } else if (ArrayBuffer.isView(request.body)) {
      // Checked with isView, not instanceof: the sandbox's Uint8Array is another realm's class.
      body = copyBytes(request.body);
    } else if (typeof request.body === "object") {
      body = EJSON.stringify(request.body, { relaxed: true });
    } else {
      body = String(request.body);
    }
  }
  const response = await fetch(buildUrl(request), {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: request.followRedirects ? "follow" : "manual",
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const binary = new Binary(bytes) as Binary & { text(): string };
  Object.defineProperty(binary, "text", { value: () => Buffer.from(bytes).toString("utf8") });
  const outHeaders: Record<string, string[]> = {};
  response.headers.forEach((value, name) => {
    const key = name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
    (outHeaders[key] ??= []).push(value);
  });
  return {
    status: `${response.status} ${response.statusText}`.trim(),
    statusCode: response.status,
    contentLength: bytes.length,
    headers: outHeaders,
    cookies: parseCookies(response.headers.getSetCookie?.() ?? []),
    body: binary,
  };
}

/** A fresh byte copy: also detaches the body from whatever buffer the function keeps using. */
function copyBytes(view: ArrayBufferView): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(view.byteLength);
  out.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return out;
}

function buildUrl(request: HttpRequest): string {
  if (typeof request.url === "string" && request.url) return request.url;
  if (!request.host) throw new TypeError("context.http: give `url`, or `scheme` and `host`");
  const url = new URL(`${request.scheme ?? "https"}://${request.host}`);
  if (request.path) url.pathname = request.path;
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, v);
  }
  if (request.fragment) url.hash = request.fragment;
  if (request.username) url.username = request.username;
  if (request.password) url.password = request.password;
  return url.toString();
}

function parseCookies(lines: string[]): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const line of lines) {
    const [pair] = line.split(";");
    const eq = pair?.indexOf("=") ?? -1;
    if (pair && eq > 0) cookies[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return cookies;
}
