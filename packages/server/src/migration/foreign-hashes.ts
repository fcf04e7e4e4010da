import { createCipheriv, pbkdf2, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from "node:crypto";
import { promisify } from "node:util";

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: BinaryLike,
  salt: BinaryLike,
  keylen: number,
  options: ScryptOptions,
) => Promise<Buffer>;

/**
 * Password hashes made by other systems, verified at login until the account's first successful login
 * rehashes the password to argon2id. argon2 hashes (`$argon2i$`, `$argon2id$`) are not here: the
 * server's own argon2 library verifies them.
 *
 * Every format is parsed strictly and its cost bounded when imported (`checkForeignHash`), so a stored
 * hash cannot make a login allocate gigabytes or spin for minutes.
 */
export type ForeignHash =
  | { kind: "bcrypt"; hash: string }
  | { kind: "scrypt"; n: number; r: number; p: number; salt: Buffer; hash: Buffer }
  | { kind: "pbkdf2"; digest: "sha256" | "sha512"; iterations: number; salt: Buffer; hash: Buffer }
  | { kind: "firebase-scrypt"; rounds: number; memCost: number; saltSeparator: Buffer; signerKey: Buffer; salt: Buffer; hash: Buffer };

/** Firebase's per-project hash parameters (Console → Authentication → Password hash parameters). */
export interface FirebaseHashParams {
  /** `base64_signer_key`. */
  signerKey: string;
  /** `base64_salt_separator`. */
  saltSeparator: string;
  rounds: number;
  memCost: number;
}

/**
 * Checks Firebase project parameters as an operator typed them (all four, or none at all).
 * @returns the parameters, undefined when none were given, or why they cannot be used.
 */
export function firebaseParamsFrom(input: {
  signerKey?: string;
  saltSeparator?: string;
  rounds?: string | number;
  memCost?: string | number;
}): FirebaseHashParams | undefined | string {
  const given = [input.signerKey, input.saltSeparator, input.rounds, input.memCost];
  if (given.every((v) => v === undefined)) return undefined;
  if (given.some((v) => v === undefined)) return "Firebase hashes need all four parameters: signer key, salt separator, rounds, mem cost";
  const rounds = Number(input.rounds);
  const memCost = Number(input.memCost);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 32) return "Firebase rounds must be an integer from 1 to 32";
  if (!Number.isInteger(memCost) || memCost < 1 || memCost > 20) return "Firebase mem cost must be an integer from 1 to 20";
  for (const [name, value] of [
    ["signer key", input.signerKey!],
    ["salt separator", input.saltSeparator!],
  ] as const) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return `Firebase ${name} must be base64`;
  }
  return { signerKey: input.signerKey!, saltSeparator: input.saltSeparator!, rounds, memCost };
}

const LIMITS = { scryptMaxMemory: 256 * 1024 * 1024, pbkdf2MaxIterations: 10_000_000, bcryptMaxCost: 16 };

/** Standard or URL-safe base64 with or without padding, and passlib's `.`-for-`+` variant. */
function base64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/._-]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text.replace(/\./g, "+").replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** PHC parameters `a=1,b=2` as numbers. */
function phcParams(text: string): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const part of text.split(",")) {
    const match = /^([a-z]+)=(\d{1,10})$/.exec(part);
    if (!match) return undefined;
    out[match[1]!] = Number(match[2]);
  }
  return out;
}

/**
 * Parses a stored hash of a foreign format, or explains why it cannot be used. Returns undefined for
 * strings that are not a foreign format at all (argon2, which the server verifies itself).
 */
export function parseForeignHash(stored: string): ForeignHash | string | undefined {
  if (/^\$2[aby]\$/.test(stored)) {
    const match = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(stored);
    if (!match) return "malformed bcrypt hash";
    const cost = Number(match[1]);
    if (cost < 4 || cost > LIMITS.bcryptMaxCost) return `bcrypt cost ${cost} is outside 4..${LIMITS.bcryptMaxCost}`;
    return { kind: "bcrypt", hash: stored };
  }
  if (stored.startsWith("$scrypt$")) return parseScrypt(stored);
  if (stored.startsWith("$pbkdf2-sha256$") || stored.startsWith("$pbkdf2-sha512$")) return parsePbkdf2Phc(stored);
  if (stored.startsWith("pbkdf2_sha256$")) return parseDjango(stored);
  if (stored.startsWith("$firebase-scrypt$")) return parseFirebase(stored);
  return undefined;
}

function parseScrypt(stored: string): ForeignHash | string {
  const [, , params, salt, hash, extra] = stored.split("$");
  const p = params !== undefined ? phcParams(params) : undefined;
  const saltBytes = salt !== undefined ? base64(salt) : undefined;
  const hashBytes = hash !== undefined ? base64(hash) : undefined;
  if (extra !== undefined || !p || !saltBytes || !hashBytes || hashBytes.length < 16) return "malformed scrypt PHC string";
  const n = p.ln !== undefined ? 2 ** p.ln : p.n;
  const r = p.r ?? 8;
  const par = p.p ?? 1;
  if (!n || n < 2 || (n & (n - 1)) !== 0) return "scrypt N must be a power of two";
  if (128 * n * r * par > LIMITS.scryptMaxMemory || r < 1 || par < 1) return "scrypt parameters need more than 256 MiB";
  return { kind: "scrypt", n, r, p: par, salt: saltBytes, hash: hashBytes };
}

function parsePbkdf2Phc(stored: string): ForeignHash | string {
  const [, id, params, salt, hash, extra] = stored.split("$");
  // PHC (`i=600000,l=32`) or passlib's bare iteration count.
  const iterations = params !== undefined && /^\d{1,10}$/.test(params) ? Number(params) : params ? phcParams(params)?.i : undefined;
  const saltBytes = salt !== undefined ? base64(salt) : undefined;
  const hashBytes = hash !== undefined ? base64(hash) : undefined;
  if (extra !== undefined || !iterations || !saltBytes || !hashBytes || hashBytes.length < 16) return `malformed ${id} string`;
  if (iterations > LIMITS.pbkdf2MaxIterations) return `${id} iterations above ${LIMITS.pbkdf2MaxIterations}`;
  return { kind: "pbkdf2", digest: id === "pbkdf2-sha512" ? "sha512" : "sha256", iterations, salt: saltBytes, hash: hashBytes };
}

/** Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`; the salt is used as text. */
function parseDjango(stored: string): ForeignHash | string {
  const [, iterations, salt, hash, extra] = stored.split("$");
  const hashBytes = hash !== undefined ? base64(hash) : undefined;
  if (extra !== undefined || !iterations || !/^\d{1,10}$/.test(iterations) || !salt || !hashBytes || hashBytes.length < 16) {
    return "malformed Django pbkdf2_sha256 string";
  }
  if (Number(iterations) > LIMITS.pbkdf2MaxIterations) return `pbkdf2_sha256 iterations above ${LIMITS.pbkdf2MaxIterations}`;
  return { kind: "pbkdf2", digest: "sha256", iterations: Number(iterations), salt: Buffer.from(salt, "utf8"), hash: hashBytes };
}

function parseFirebase(stored: string): ForeignHash | string {
  const [, , params, saltSeparator, signerKey, salt, hash, extra] = stored.split("$");
  const p = params !== undefined ? phcParams(params) : undefined;
  const parts = [saltSeparator, signerKey, salt, hash].map((s) => (s !== undefined ? base64(s) : undefined));
  if (extra !== undefined || !p || p.r === undefined || p.m === undefined || parts.some((b) => !b))
    return "malformed firebase-scrypt string";
  const [sep, key, saltBytes, hashBytes] = parts as Buffer[];
  if (p.m < 1 || p.m > 20 || p.r < 1 || 128 * 2 ** p.m * p.r > LIMITS.scryptMaxMemory) return "firebase-scrypt parameters out of range";
  return { kind: "firebase-scrypt", rounds: p.r, memCost: p.m, saltSeparator: sep!, signerKey: key!, salt: saltBytes!, hash: hashBytes! };
}

/**
 * The stored form of a Firebase hash: the project parameters travel with each hash, so a login needs
 * nothing but the row. It is replaced by argon2id at the first successful login.
 */
export function firebaseStoredHash(params: FirebaseHashParams, hash: string, salt: string): string {
  return `$firebase-scrypt$r=${params.rounds},m=${params.memCost}$${params.saltSeparator}$${params.signerKey}$${salt}$${hash}`;
}

/** Checks a password against a parsed foreign hash. Comparisons are constant-time. */
export async function verifyForeignHash(hash: ForeignHash, password: string): Promise<boolean> {
  switch (hash.kind) {
    case "bcrypt":
      // bcryptjs compares in constant time; `$2y$` (PHP) is the same algorithm as `$2b$`. Loaded at the first
      // imported bcrypt login: a server with no imported users never needs it in memory.
      return (await import("bcryptjs")).default.compare(password, hash.hash);
    case "scrypt": {
      const derived = await scryptAsync(password, hash.salt, hash.hash.length, {
        N: hash.n,
        r: hash.r,
        p: hash.p,
        maxmem: LIMITS.scryptMaxMemory + 1024 * 1024,
      });
      return timingSafeEqual(derived, hash.hash);
    }
    case "pbkdf2": {
      const derived = await pbkdf2Async(password, hash.salt, hash.iterations, hash.hash.length, hash.digest);
      return timingSafeEqual(derived, hash.hash);
    }
    case "firebase-scrypt":
      return verifyFirebase(hash, password);
  }
}

/**
 * Firebase's modified scrypt (published in firebase/scrypt): scrypt of the password with salt +
 * separator (N = 2^mem_cost, r = rounds, p = 1, 64 bytes), whose first 32 bytes key an AES-256-CTR
 * encryption (zero IV) of the project's signer key; the result is the stored hash.
 */
async function verifyFirebase(hash: Extract<ForeignHash, { kind: "firebase-scrypt" }>, password: string): Promise<boolean> {
  const derived = await scryptAsync(password, Buffer.concat([hash.salt, hash.saltSeparator]), 64, {
    N: 2 ** hash.memCost,
    r: hash.rounds,
    p: 1,
    maxmem: LIMITS.scryptMaxMemory + 1024 * 1024,
  });
  const cipher = createCipheriv("aes-256-ctr", derived.subarray(0, 32), Buffer.alloc(16));
  const encrypted = Buffer.concat([cipher.update(hash.signerKey), cipher.final()]);
  return encrypted.length === hash.hash.length && timingSafeEqual(encrypted, hash.hash);
}

/**
 * What the login path's password hasher calls for hashes it does not make itself: recognises the
 * formats above and verifies them.
 */
export const foreignHashVerifier = {
  recognises: (stored: string): boolean => typeof parseForeignHash(stored) === "object",
  async verify(stored: string, password: string): Promise<boolean> {
    const parsed = parseForeignHash(stored);
    if (typeof parsed !== "object") return false;
    try {
      return await verifyForeignHash(parsed, password);
    } catch {
      return false;
    }
  },
};
