import { Argon2Threads } from "./argon2-threads.js";

// Algorithm.Argon2id of @node-rs/argon2 (an ambient const enum, which verbatimModuleSyntax cannot import).
const ARGON2ID = 2;

/** The process's argon2 lanes on libuv's pool (auth/argon2-threads.ts), shared by every hasher in it. */
const argon2Threads = new Argon2Threads();

/** argon2 jobs of this process: computing, and queued behind the slots. */
export function argon2Load(): { running: number; waiting: number } {
  return argon2Threads.load();
}

/** argon2id parameters (memory in KiB). */
export interface PasswordHashingParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * Verifies password hashes made by other systems (imported users), which the hasher cannot make itself.
 * Kept as an interface so `auth` does not depend on the import code that provides it.
 */
export interface ForeignHashVerifier {
  recognises(storedHash: string): boolean;
  verify(storedHash: string, password: string): Promise<boolean>;
}

/**
 * The stored hash of an imported email/password account whose password never left its old system
 * (App Services exported none): no password matches it, and login asks the user to reset it.
 */
export const PASSWORD_NOT_SET = "";

/**
 * argon2id password hashing in PHC format. Hashing runs on libuv's pool below the event loop's priority
 * (auth/argon2-threads.ts), never inside a database transaction, so one login cannot stall other
 * requests.
 */
export class PasswordHasher {
  /** A hash of a random password, verified against when the account does not exist (same work, no timing oracle). */
  private dummyHash: Promise<string>;

  constructor(
    private readonly params: PasswordHashingParams,
    /** Imported hashes (bcrypt, scrypt, PBKDF2, Firebase): verified here, rehashed to argon2id by the login. */
    private readonly foreign?: ForeignHashVerifier,
  ) {
    this.dummyHash = this.hash(`dummy-${Math.random()}`);
  }

  hash(password: string): Promise<string> {
    return argon2Threads.hash(password, { algorithm: ARGON2ID, ...this.params, outputLen: 32 });
  }

  /**
   * Checks a password against a stored hash, or against the dummy hash when there is none or the
   * password was never set (the result is then always false). argon2's own comparison is constant-time.
   */
  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    if (storedHash && this.foreign?.recognises(storedHash)) return this.foreign.verify(storedHash, password);
    const target = storedHash || (await this.dummyHash);
    let ok: boolean;
    try {
      ok = await argon2Threads.verify(target, password);
    } catch {
      ok = false;
    }
    return storedHash !== undefined && storedHash !== PASSWORD_NOT_SET && ok;
  }

  /** Whether a stored hash uses other parameters than the current ones (rehash on next login). */
  needsRehash(storedHash: string): boolean {
    const { memoryCost: m, timeCost: t, parallelism: p } = this.params;
    return !storedHash.startsWith("$argon2id$") || !storedHash.includes(`$m=${m},t=${t},p=${p}$`);
  }
}
