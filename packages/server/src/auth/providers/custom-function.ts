import type { AppFunctions } from "../../apps/app-functions.js";
import { decodeEjson } from "../../ejson.js";
import { Errors } from "../../errors.js";
import { FunctionError } from "../../functions/index.js";
import type { RateLimiter } from "../../ratelimit/rate-limiter.js";
import type { LoginAttempt, Provider, VerifiedIdentity } from "../provider.js";

/**
 * `custom-function`: the app's `authFunctionName` function receives the credential payload (the body
 * without `options`) and returns an external id string or `{id, name?}`; a thrown error is a 401
 * `AuthError` carrying its message (PROTOCOL.md §10.1).
 */
export class CustomFunctionProvider implements Provider {
  readonly type = "custom-function";
  /** Any fields: the app's function decides what they mean. */
  readonly credentialSchema = { type: "object" };

  constructor(
    private readonly functions: AppFunctions,
    private readonly limiter: RateLimiter,
  ) {}

  async verify({ app, provider, body, ip }: LoginAttempt): Promise<VerifiedIdentity> {
    await this.limiter.check("login/custom-function", app.id, ip);
    const name = provider.config.authFunctionName;
    if (typeof name !== "string" || !this.functions.callable(app, name)) {
      throw Errors.authFunctionUnavailable(String(name));
    }
    const { options: _options, provider: _provider, ...fields } = body;
    // The credential payload is EJSON (an app may send ObjectIds or dates); the rest of the body is JSON.
    const payload = decodeEjson(fields);
    let result: unknown;
    try {
      result = await this.functions.runtime(app)!.call(name, [payload], { user: null, fromClient: false, runAsSystem: true, lane: "auth" });
    } catch (error) {
      if (error instanceof FunctionError) throw Errors.authFunctionFailed(error.message);
      throw error;
    }
    const { id, displayName } = externalIdOf(result);
    return {
      externalId: id,
      providerData: displayName ? { name: displayName } : {},
      profileData: displayName ? { name: displayName } : {},
    };
  }
}

function externalIdOf(result: unknown): { id: string; displayName?: string } {
  if (typeof result === "string" && result !== "") return { id: result };
  if (result && typeof result === "object" && "id" in result) {
    const { id, name } = result as { id: unknown; name?: unknown };
    const text = typeof id === "string" ? id : id !== null && id !== undefined ? String(id) : "";
    if (text !== "") return { id: text, ...(typeof name === "string" && name !== "" ? { displayName: name } : {}) };
  }
  throw Errors.authFunctionBadResult();
}
