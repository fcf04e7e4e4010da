import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import type { Clock } from "../../clock.js";
import { fetchJson, OutboundError } from "../outbound.js";
import { JwtRefused } from "./refusal.js";

/** How long a fetched key set is used before it is fetched again. */
const MAX_AGE_MS = 10 * 60 * 1000;
/** An unknown `kid` fetches the set again at most this often: a stream of made-up kids costs one fetch a minute. */
const UNKNOWN_KID_COOLDOWN_MS = 60 * 1000;

/**
 * A JSON Web Key Set fetched from a URL (a custom JWT issuer's, Google's, Apple's), cached, and fetched
 * again when it is old or a token names a key it lacks. Times come from the server clock, so tests can
 * travel past the cache age and the cooldown. Concurrent logins share one fetch.
 */
export class RemoteKeySet {
  private local?: ReturnType<typeof createLocalJWKSet>;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastUnknownKidFetch = Number.NEGATIVE_INFINITY;
  private pending?: Promise<void>;

  constructor(
    readonly url: string,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  /** The key resolver for `jwtVerify`. Throws {@link JwtRefused} (`keyUnknown`, `keysUnavailable`). */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const now = this.clock.now();
    if (!this.local || now - this.fetchedAt > MAX_AGE_MS) {
      try {
        await this.refresh();
      } catch (error) {
        // A stale set still verifies tokens while the issuer is briefly down.
        if (!this.local) throw error;
      }
    }
    try {
      return await this.local!(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // A set fetched within the cooldown (for any reason) is not fetched again for an unknown kid.
      const lastFetch = Math.max(this.lastUnknownKidFetch, this.fetchedAt);
      if (this.clock.now() - lastFetch < UNKNOWN_KID_COOLDOWN_MS) throw new JwtRefused("keyUnknown", "unknown signing key");
      this.lastUnknownKidFetch = this.clock.now();
      await this.refresh();
      try {
        return await this.local!(header, token);
      } catch (again) {
        if (again instanceof errors.JWKSNoMatchingKey) throw new JwtRefused("keyUnknown", "unknown signing key");
        throw again;
      }
    }
  };

  private refresh(): Promise<void> {
    this.pending ??= this.load().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async load(): Promise<void> {
    let body: unknown;
    try {
      body = await fetchJson(this.url, this.timeoutMs, { headers: { accept: "application/json, application/jwk-set+json" } });
    } catch (error) {
      throw new JwtRefused("keysUnavailable", error instanceof OutboundError ? error.message : "the key set could not be fetched");
    }
    if (!isKeySet(body)) throw new JwtRefused("keysUnavailable", "the key set URL did not answer a JSON Web Key Set");
    this.local = createLocalJWKSet(body);
    this.fetchedAt = this.clock.now();
  }
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return typeof value === "object" && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}
