/**
 * The operator console's static files at /console/: served from memory with a strict CSP, cached by
 * content hash, and never a reason for the server not to start — a missing build is logged and
 * answered with a 404, and the config can switch the console off.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { rawRequest } from "../helpers/raw-http.js";
import { call, repoRoot, startTestServer, todoApp, type TestServer } from "../helpers/server.js";

const builtConsole = join(repoRoot, "packages/console/dist");

/** A console build of our own making: an index naming a hashed script and stylesheet. */
async function fakeBuild(dir: string): Promise<{ script: string; style: string }> {
  await mkdir(join(dir, "assets"), { recursive: true });
  const script = `console.log(${JSON.stringify("x".repeat(4000))});\n`;
  const style = "body { margin: 0 }\n";
  await writeFile(join(dir, "assets", "index-abc123.js"), script);
  await writeFile(join(dir, "assets", "index-abc123.css"), style);
  await writeFile(join(dir, "assets", "index-abc123.js.map"), "{}");
  await writeFile(
    join(dir, "index.html"),
    '<!doctype html><script type="module" src="/console/assets/index-abc123.js"></script><link rel="stylesheet" href="/console/assets/index-abc123.css">',
  );
  return { script, style };
}

describe("console static files", () => {
  let dir: string;
  let server: TestServer;
  let files: { script: string; style: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-console-"));
    files = await fakeBuild(join(dir, "dist"));
    server = await startTestServer({ config: { console: { assetsDir: join(dir, "dist") } } });
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves index.html at /console/ with a CSP that allows this origin only", async () => {
    const res = await fetch(`${server.url}/console/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy") ?? "";
    const directives = new Map(csp.split(/;\s*/).map((d) => [d.split(" ")[0]!, d.split(" ").slice(1).join(" ")] as const));
    assert.equal(directives.get("default-src"), "'none'");
    assert.equal(directives.get("script-src"), "'self'", "no inline script, no other origin");
    assert.equal(directives.get("style-src"), "'self'");
    assert.equal(directives.get("connect-src"), "'self'", "the admin API on the same origin only");
    assert.equal(directives.get("frame-ancestors"), "'none'");
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.equal(res.headers.get("cache-control"), "no-cache");
    assert.equal(res.headers.get("set-cookie"), null, "no cookie, ever");
    assert.match(await res.text(), /index-abc123\.js/);
  });

  it("serves hashed assets as immutable, gzipped when asked, and revalidates by ETag", async () => {
    const plain = await rawRequest({ port: server.port, method: "GET", path: "/console/assets/index-abc123.js" });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(plain.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.equal(plain.body, files.script);

    const zipped = await rawRequest({
      port: server.port,
      method: "GET",
      path: "/console/assets/index-abc123.js",
      headers: { "accept-encoding": "br, gzip;q=0.8" },
    });
    assert.equal(zipped.headers["content-encoding"], "gzip");
    assert.equal(gunzipSync(zipped.raw).toString("utf8"), files.script);
    assert.ok(zipped.raw.length < files.script.length / 4);

    const etag = plain.headers["etag"] as string;
    assert.match(etag, /^"[\w-]{22}"$/);
    const again = await fetch(`${server.url}/console/assets/index-abc123.js`, { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);
    const css = await fetch(`${server.url}/console/assets/index-abc123.css`);
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
    assert.equal(await css.text(), files.style);
  });

  it("redirects /console to /console/", async () => {
    const res = await fetch(`${server.url}/console`, { redirect: "manual" });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get("location"), "/console/");
  });

  it("answers 404 with an App Services error body for files the build does not have", async () => {
    for (const path of [
      "/console/nope.js",
      "/console/assets/index-abc123.js.map",
      "/console/%2e%2e/%2e%2e/package.json",
      "/console/..%2f..%2fpackage.json",
      "/console/assets/../../../../etc/passwd",
    ]) {
      const res = await rawRequest({ port: server.port, method: "GET", path });
      assert.equal(res.status, 404, path);
      assert.equal(res.headers["content-type"], "application/json", path);
      const body = JSON.parse(res.body);
      assert.equal(body.error_code, "NotFound", path);
      assert.equal(body.reason, "consoleFileNotFound", path);
    }
  });

  it("leaves the client API as it was", async () => {
    const res = await call(`${server.api}/app/todo-gatehouse/location`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-security-policy"), null);
  });
});

describe("console configuration", () => {
  it("is not served at all when the config switches it off", async () => {
    const server = await startTestServer({ config: { console: { enabled: false } } });
    try {
      const res = await call(`${server.url}/console/`);
      assert.equal(res.status, 404);
      assert.equal(res.body.reason, "routeNotFound");
    } finally {
      await server.close();
    }
  });

  it("rejects a console setting of the wrong type, naming it", async () => {
    await assert.rejects(startTestServer({ config: { console: { enabled: "yes" as never } } }), /console\.enabled must be true or false/);
  });

  it("serves the repository's own build by default (the @gatehouse/console workspace)", async (t) => {
    if (!existsSync(join(builtConsole, "index.html"))) {
      if (process.env.CI === "true") assert.fail("packages/console/dist is missing: npm run build builds it");
      t.skip("packages/console is not built (npm run build)");
      return;
    }
    const server = await startTestServer();
    try {
      const index = await fetch(`${server.url}/console/`);
      assert.equal(index.status, 200);
      const html = await index.text();
      assert.equal(html, readFileSync(join(builtConsole, "index.html"), "utf8"));
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline script for the CSP to refuse");
      const assets = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
      assert.ok(assets.some((a) => a.endsWith(".js")) && assets.some((a) => a.endsWith(".css")), html);
      for (const asset of assets) {
        const res = await fetch(`${server.url}/console/${asset}`);
        assert.equal(res.status, 200, asset);
        assert.equal(await res.text(), readFileSync(join(builtConsole, asset), "utf8"), asset);
      }
    } finally {
      await server.close();
    }
  });
});

describe("console assets missing", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-console-missing-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("the server still starts, says so in its log, and /console/ answers 404", async () => {
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ console: { assetsDir: join(dir, "no-such-build") } }));
    const run = runCli(["serve", "--app", todoApp, "--db", `sqlite:${join(dir, "a.db")}`, "--port", "0", "--config", config]);
    try {
      const url = await run.listening;
      assert.match(run.output().stdout, /console: no built console in .*no-such-build; \/console\/ answers 404/);
      const res = await call(`${url}/console/`);
      assert.equal(res.status, 404);
      assert.equal(res.body.error_code, "NotFound");
      assert.equal(res.body.reason, "consoleNotInstalled");
      const location = await call(`${url}/api/client/v2.0/app/todo-gatehouse/location`);
      assert.equal(location.status, 200);
    } finally {
      (run.child as ChildProcess).kill("SIGTERM");
      await run.exited;
    }
  });
});
