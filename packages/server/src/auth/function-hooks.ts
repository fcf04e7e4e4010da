import type { AppFunctions } from "../apps/app-functions.js";
import type { AppRuntime } from "../apps/app-runtime.js";
import type { Clock } from "../clock.js";
import { Errors } from "../errors.js";
import type { UserRecord } from "../store/records.js";
import type { AuthHooks } from "./hooks.js";

/** Where hook failures are reported (only a failed custom data lookup fails its request). */
export type HookErrorLog = (appId: string, what: string, error: unknown) => void;

/**
 * The auth hooks an app's functions provide: custom user data in every access token, the
 * `on_user_creation_function_name` function before a new user's first token, and AUTHENTICATION
 * triggers (CREATE, LOGIN, DELETE) with their provider filters.
 */
export class FunctionAuthHooks implements AuthHooks {
  constructor(
    private readonly functions: AppFunctions,
    private readonly clock: Clock,
    private readonly onError: HookErrorLog,
  ) {}

  /**
   * A lookup that fails (a MongoDB out of reach) fails the token request with 503: issuing a token
   * without the user's data would tell the client the data is empty.
   */
  async customUserData(app: AppRuntime, userId: string): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.functions.customUserData(app, userId);
    } catch (error) {
      this.onError(app.id, "custom user data lookup", error);
      throw Errors.customUserDataUnavailable();
    }
  }

  async userCreated(app: AppRuntime, user: UserRecord, providerType: string): Promise<void> {
    const config = app.config.customUserData;
    const name = config.enabled ? config.onUserCreationFunctionName : undefined;
    if (name) {
      // Awaited: its document must be in the user's first access token.
      const runtime = this.functions.runtime(app);
      try {
        if (!runtime || !this.functions.callable(app, name)) throw new Error(`function '${name}' has no source`);
        const contextUser = await this.functions.contextUser(app, user);
        await runtime.call(name, [contextUser], { user: contextUser, fromClient: false, runAsSystem: true, lane: "auth" });
      } catch (error) {
        this.onError(app.id, `on_user_creation_function_name ${name}`, error);
      }
    }
    await this.fire(app, "CREATE", user, [providerType]);
  }

  async userLoggedIn(app: AppRuntime, user: UserRecord, providerType: string): Promise<void> {
    await this.fire(app, "LOGIN", user, [providerType]);
  }

  async userDeleted(app: AppRuntime, user: UserRecord): Promise<void> {
    await this.fire(
      app,
      "DELETE",
      user,
      user.identities.map((i) => i.providerType),
    );
    // After the triggers, which may still read the document (context.user.custom_data).
    if (app.settings.deleteCustomUserData === true) {
      try {
        await this.functions.deleteCustomUserData(app, user.id);
      } catch (error) {
        this.onError(app.id, "custom user data deletion", error);
      }
    }
  }

  /** Runs each enabled AUTHENTICATION trigger for the operation whose provider filter matches, once. */
  private async fire(app: AppRuntime, operationType: "CREATE" | "LOGIN" | "DELETE", user: UserRecord, providers: string[]): Promise<void> {
    const triggers = app.config.triggers.filter(
      (t) =>
        t.type === "AUTHENTICATION" &&
        !t.disabled &&
        t.operationType === operationType &&
        t.functionName !== undefined &&
        (t.providers.length === 0 || t.providers.some((p) => providers.includes(p))),
    );
    if (triggers.length === 0) return;
    const runtime = this.functions.runtime(app);
    const contextUser = await this.functions.contextUser(app, user);
    // The App Services authentication event shape.
    const event = { operationType, providers, user: contextUser, time: new Date(this.clock.now()) };
    for (const trigger of triggers) {
      try {
        if (!runtime || !this.functions.callable(app, trigger.functionName!))
          throw new Error(`function '${trigger.functionName}' has no source`);
        await runtime.call(trigger.functionName!, [event], { user: null, fromClient: false, runAsSystem: true, lane: "auth" });
      } catch (error) {
        this.onError(app.id, `trigger ${trigger.name}`, error);
      }
    }
  }
}
