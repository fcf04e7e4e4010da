/**
 * `context.http` on the worker side: the guest sends `{method, url, headers: [[name, value]], body,
 * followRedirects}` as JSON and gets `{status, statusCode, headers: {Name: [values]}, cookies, body}`
 * with the body base64-encoded. The request is aborted at the call's deadline and the response body
 * is read only up to the value size limit.
 */
interface GuestRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: { kind: "text" | "base64"; data: string } | { kind: "form"; data: [string, string][] } | null;
  followRedirects: boolean;
}

export async function fetchForGuest(requestJson: string, deadline: number, maxBytes: number): Promise<string> {
  const request = JSON.parse(requestJson) as GuestRequest;
  const headers = new Headers();
  for (const [name, value] of request.headers) headers.append(name, value);
  let body: string | Uint8Array<ArrayBuffer> | URLSearchParams | undefined;
  if (request.body?.kind === "form") body = new URLSearchParams(request.body.data);
  else if (request.body?.kind === "base64") body = new Uint8Array(Buffer.from(request.body.data, "base64"));
  else if (request.body?.kind === "text") body = request.body.data;
  const response = await fetch(request.url, {
    method: request.method,
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: request.followRedirects ? "follow" : "manual",
    signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > maxBytes) {
      await reader!.cancel().catch(() => undefined);
      throw new Error(`context.http: response body is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk.value);
  }
  const outHeaders: Record<string, string[]> = {};
  response.headers.forEach((value, name) => {
    const key = name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
    (outHeaders[key] ??= []).push(value);
  });
  return JSON.stringify({
    status: `${response.status} ${response.statusText}`.trim(),
    statusCode: response.status,
    headers: outHeaders,
    cookies: parseCookies(response.headers.getSetCookie?.() ?? []),
    body: Buffer.concat(chunks).toString("base64"),
  });
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
