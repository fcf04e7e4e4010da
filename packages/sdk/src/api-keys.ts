/**
 * The user's API keys (PROTOCOL §9). Every route authenticates with the **refresh** token, so a 401 here
 * ends the session, as in every App Services SDK.
 */
import { ClientError, ClientErrorCode } from "./errors.js";
import { readJsonBody } from "./transport/fetcher.js";
import type { Requester } from "./transport/requester.js";
import { authRoutes } from "./transport/routes.js";
import type { FetchResponse } from "./transport/fetch-types.js";

/** A user API key. `key` (the secret) is only present in the response of `create`. */
export type ApiKey = {
  /** Key id (24-hex). */
  _id: string;
  /** The secret; only returned once, by `create`. */
  key: string;
  /** Name given at creation (`[A-Za-z0-9_-]+`). */
  name: string;
  /** Whether the key is disabled. */
  disabled: boolean;
};

/**
 * Manages the API keys of one user (`user.apiKeys`).
 *
 * @example
 * const { key } = await user.apiKeys.create("ci");
 * const bot = await app.logIn(Credentials.apiKey(key));
 */
export class ApiKeyAuth {
  /** @param requester - The user owning the keys. */
  constructor(private readonly requester: Requester) {}

  /**
   * Creates a key. Keep the returned `key`: it cannot be read again.
   *
   * @example
   * const created = await user.apiKeys.create("deploy-bot");
   */
  async create(name: string): Promise<ApiKey> {
    return this.json(await this.requester.fetch({ method: "POST", path: authRoutes.apiKeys, body: { name } }, "refresh"));
  }

  /**
   * Fetches one key (without its secret).
   *
   * @example
   * const { disabled } = await user.apiKeys.fetch(keyId);
   */
  async fetch(keyId: string): Promise<ApiKey> {
    return this.json(await this.requester.fetch({ method: "GET", path: authRoutes.apiKey(keyId) }, "refresh"));
  }

  /**
   * Lists the user's keys (without secrets).
   *
   * @example
   * const names = (await user.apiKeys.fetchAll()).map((k) => k.name);
   */
  async fetchAll(): Promise<ApiKey[]> {
    const keys = await this.json<unknown>(await this.requester.fetch({ method: "GET", path: authRoutes.apiKeys }, "refresh"));
    if (!Array.isArray(keys)) {
      throw new ClientError(ClientErrorCode.InvalidServerResponse, "Expected an array of API keys");
    }
    return keys as ApiKey[];
  }

  /**
   * Deletes a key. Deleting an unknown id succeeds, as in App Services.
   *
   * @example
   * await user.apiKeys.delete(keyId);
   */
  async delete(keyId: string): Promise<void> {
    await this.requester.fetch({ method: "DELETE", path: authRoutes.apiKey(keyId) }, "refresh");
  }

  /**
   * Enables a key.
   *
   * @example
   * await user.apiKeys.enable(keyId);
   */
  async enable(keyId: string): Promise<void> {
    await this.requester.fetch({ method: "PUT", path: `${authRoutes.apiKey(keyId)}/enable` }, "refresh");
  }

  /**
   * Disables a key: logins with it fail until it is enabled again.
   *
   * @example
   * await user.apiKeys.disable(keyId);
   */
  async disable(keyId: string): Promise<void> {
    await this.requester.fetch({ method: "PUT", path: `${authRoutes.apiKey(keyId)}/disable` }, "refresh");
  }

  private async json<T = ApiKey>(response: FetchResponse): Promise<T> {
    return (await readJsonBody(response, this.requester.numbers)) as T;
  }
}
