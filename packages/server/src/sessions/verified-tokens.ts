import type { AppRuntime } from "../apps/app-runtime.js";
import type { SignedClaims } from "./tokens.js";

/** A token whose signature was checked, with the app whose keys checked it and its claims. */
export interface VerifiedToken {
  app: AppRuntime;
  /** Shared by every request that presents the same token: frozen, never to be changed. */
  claims: Readonly<SignedClaims>;
}

/** Bounds of a {@link VerifiedTokens} memo: entries, and characters of tokens kept in all. */
export interface VerifiedTokensLimits {
  entries: number;
  chars: number;
}

const DEFAULT_LIMITS: VerifiedTokensLimits = { entries: 2048, chars: 2 * 1024 * 1024 };
/** A token longer than this (large custom user data in `user_data`) is verified every time. */
const MAX_TOKEN_CHARS = 8 * 1024;

/**
 * The tokens this process has verified lately, by their exact text. A client presents the same access
 * token on every request for its lifetime (30 minutes by default); decoding it and checking its HMAC
 * again each time was a tenth of an authenticated request's CPU.
 *
 * What is remembered is only what cannot change for a given token text: that its signature is good under
 * the app's keys (fixed for the life of the process) and what its claims say. Everything that can change
 * is still checked on every request: expiry and not-before against the clock, the expected token type
 * (by the caller, `TokenSigner.checkClaims`), and above all the session row, read from the store each
 * time, which is what makes a logout, disable or delete on any instance refuse the very next request.
 * A token that fails verification is never remembered.
 *
 * Oldest first out, bounded in entries and in characters, so memory stays small whatever clients send.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedToken>();
  private chars = 0;

  constructor(private readonly limits: VerifiedTokensLimits = DEFAULT_LIMITS) {}

  get(token: string): VerifiedToken | undefined {
    return this.entries.get(token);
  }

  remember(token: string, app: AppRuntime, claims: SignedClaims): void {
    if (token.length > MAX_TOKEN_CHARS || this.entries.has(token)) return;
    this.entries.set(token, { app, claims: Object.freeze(claims) });
    this.chars += token.length;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limits.entries && this.chars <= this.limits.chars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }

  /** How many tokens are remembered (tests, metrics). */
  get size(): number {
    return this.entries.size;
  }
}
