import { Errors } from "../../errors.js";
import type { RateLimiter } from "../../ratelimit/rate-limiter.js";
import type { Clock } from "../../clock.js";
import type { Store } from "../../store/store.js";
import { PASSWORD_NOT_SET, type PasswordHasher } from "../password.js";
import type { LoginAttempt, Provider, VerifiedIdentity } from "../provider.js";

/** `local-userpass` login: `{username, password}` checked against the account's argon2id hash. */
export class UserpassLoginProvider implements Provider {
  readonly type = "local-userpass";
  readonly credentialSchema = {
    type: "object",
    required: ["username", "password"],
    properties: { username: { type: "string", maxLength: 1024 }, password: { type: "string", maxLength: 1024 } },
  };

  constructor(
    private readonly store: Store,
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
  ) {}

  async verify({ app, body, ip, linking }: LoginAttempt): Promise<VerifiedIdentity> {
    const username = body.username as string;
    const password = body.password as string;
    const emailKey = app.emailKey(username);
    await this.limiter.checkLogin(app.id, ip, emailKey);
    const account = await this.store.accounts.findByEmailKey(app.id, emailKey);
    // Unknown users cost the same argon2 verification as known ones: no timing oracle.
    const ok = await this.hasher.verify(account?.passwordHash, password);
    // An imported account whose old system kept its password: only a reset can set one.
    if (account?.passwordHash === PASSWORD_NOT_SET) throw Errors.passwordNotSet();
    if (!ok || !account) throw linking ? Errors.invalidPasswordOnLink() : Errors.invalidPassword();
    if (!account.confirmed) {
      await this.limiter.loginSucceeded(app.id, ip, emailKey);
      throw Errors.confirmationRequired();
    }
    if (this.hasher.needsRehash(account.passwordHash)) {
      await this.store.accounts.setPasswordHash(account.id, await this.hasher.hash(password), this.clock.now());
    }
    return {
      externalId: account.id,
      providerData: { email: account.email },
      profileData: { email: account.email },
      // The failure counters are cleared in the login's own transaction: no commit of their own.
      inLoginTransaction: (tx) => this.limiter.loginSucceeded(app.id, ip, emailKey, tx),
    };
  }
}
