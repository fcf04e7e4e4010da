import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { ERROR_CODES, errorCatalogue, Errors, GatehouseError } from "../../src/index.js";
import { StoreUnavailableError } from "../../src/errors.js";
import { FunctionNotFound, RuleNotMatched } from "../../src/functions/index.js";
import { call, repoRoot, startTestServer, type TestServer } from "../helpers/server.js";

// The names realm-core's error table maps (PROTOCOL.md §8.2), plus the Gatehouse names for answers
// App Services gave without a code (NotFound, TooManyRequests), gave differently (PasswordResetRequired)
// or never gave (ServiceUnavailable: its own database down): core turns an unknown name into
// AppServerError, keeping the string.
const CORE_NAMES = new Set([
  "AccountNameInUse",
  "APIKeyAlreadyExists",
  "APIKeyNotFound",
  "AppNotFound",
  "AuthError",
  "AuthProviderNotFound",
  "BadRequest",
  "DomainNotAllowed",
  "ExecutionTimeLimitExceeded",
  "FunctionExecutionError",
  "FunctionNotFound",
  "InternalServerError",
  "InvalidParameter",
  "InvalidPassword",
  "InvalidSession",
  "MissingAuthReq",
  "MissingParameter",
  "MongoDBError",
  "NotCallable",
  "ServiceNotFound",
  "UserAlreadyConfirmed",
  "UserAppDomainMismatch",
  "UserDisabled",
  "UserNotFound",
]);
const GATEHOUSE_NAMES = new Set(["NotFound", "TooManyRequests", "PasswordResetRequired", "ServiceUnavailable"]);

describe("the error catalogue", () => {
  it("sends only codes SDKs know, or the Gatehouse names", () => {
    for (const code of ERROR_CODES) assert.ok(CORE_NAMES.has(code) || GATEHOUSE_NAMES.has(code), code);
  });

  it("builds every entry with its own reason, code and an error status", () => {
    const entries = errorCatalogue();
    assert.ok(entries.length > 40);
    for (const { reason, code, status } of entries) {
      const build = Errors[reason] as (...args: unknown[]) => GatehouseError;
      // Extra arguments are ignored, so three strings suit every entry.
      const error = build("x", "x", "x");
      assert.ok(error instanceof GatehouseError);
      assert.equal(error.reason, reason);
      assert.equal(error.code, code);
      assert.ok((ERROR_CODES as readonly string[]).includes(code), `${reason}: ${code}`);
      assert.ok(status >= 400 && status < 600, `${reason}: ${status}`);
      assert.ok(error.message.length > 0, reason);
    }
  });

  it("joins its parts under src/errors/ whole: every reason in exactly one part, every part joined", async () => {
    const dir = join(repoRoot, "packages/server/src/errors");
    const owners = new Map<string, string[]>();
    for (const name of (await readdir(dir)).filter((n) => n.endsWith(".ts") && n !== "entry.ts")) {
      const part = (await import(pathToFileURL(join(dir, name)).href)) as Record<string, Record<string, unknown>>;
      for (const [exported, entries] of Object.entries(part))
        for (const reason of Object.keys(entries)) owners.set(reason, [...(owners.get(reason) ?? []), `${name}:${exported}`]);
    }
    const twice = [...owners].filter(([, parts]) => parts.length > 1).map(([reason, parts]) => `${reason} in ${parts.join(", ")}`);
    assert.deepEqual(twice, []);
    assert.deepEqual(
      [...owners.keys()].sort(),
      errorCatalogue()
        .map((e) => e.reason)
        .sort(),
    );
  });

  it("lets an entry set its status and headers from its arguments", () => {
    const limited = Errors.tooManyRequests(7);
    assert.deepEqual([limited.status, limited.headers["retry-after"]], [429, "7"]);
    const rejected = Errors.requestRejected(406, "not acceptable");
    assert.deepEqual([rejected.status, rejected.code, rejected.message], [406, "BadRequest", "not acceptable"]);
  });

  it("gives the function error classes their catalogue entries", () => {
    const missing = new FunctionNotFound("f");
    assert.deepEqual([missing.reason, missing.code, missing.status], ["functionNotFound", "FunctionNotFound", 404]);
    const rule = new RuleNotMatched("f");
    assert.deepEqual(
      [rule.reason, rule.code, rule.message],
      ["functionRuleNotMatched", "FunctionExecutionError", 'rule not matched for function "f"'],
    );
  });

  it("is the only place errors are built: no hand-built GatehouseError in src/", async () => {
    const src = join(repoRoot, "packages/server/src");
    const offenders: string[] = [];
    for (const entry of await readdir(src, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const path = join(entry.parentPath, entry.name);
      if (path === join(src, "errors.ts")) continue;
      if ((await readFile(path, "utf8")).includes("new GatehouseError(")) offenders.push(path);
    }
    assert.deepEqual(offenders, []);
  });

  it("gives every store fault its own entry, all 503 ServiceUnavailable with retry-after", () => {
    const faults = ["unavailable", "timeout", "busy", "full", "readonly", "io"] as const;
    const reasons = faults.map((fault) => new StoreUnavailableError(fault));
    assert.deepEqual(
      reasons.map((e) => e.reason),
      ["storeUnavailable", "storeTimeout", "storeBusy", "storeFull", "storeReadOnly", "storeIoError"],
    );
    for (const error of reasons)
      assert.deepEqual([error.status, error.code, error.headers["retry-after"]], [503, "ServiceUnavailable", "1"]);
  });
});

describe("error bodies over HTTP", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("carry error, error_code and the reason", async () => {
    const r = await call(`${server.api}/auth/profile`, { token: "not-a-jwt" });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.deepEqual(r.body, { error: "invalid session: invalid token", error_code: "InvalidSession", reason: "tokenAppUnknown" });
  });

  it("name unknown routes and framework rejections from the catalogue too", async () => {
    const missing = await call(`${server.api}/nowhere`);
    assert.deepEqual([missing.status, missing.body.error_code, missing.body.reason], [404, "NotFound", "routeNotFound"]);
    const huge = await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, {
      body: `{"a":"${"x".repeat(1100 * 1024)}"}`,
    });
    assert.deepEqual([huge.status, huge.body.reason], [413, "bodyTooLarge"]);
  });
});
