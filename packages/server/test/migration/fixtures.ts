/**
 * Import fixtures with real password hashes, made here by the real libraries (bcryptjs, @node-rs/argon2,
 * node:crypto's scrypt and PBKDF2) and Firebase's published scrypt test vector (firebase/scrypt README).
 */
import { hash as argon2Hash } from "@node-rs/argon2";
import bcrypt from "bcryptjs";
import { pbkdf2Sync, randomBytes, scryptSync } from "node:crypto";
import { newObjectId } from "../../src/ids.js";

/** Firebase's sample project parameters and account, as published with firebase/scrypt. */
export const FIREBASE_VECTOR = {
  params: {
    signerKey: "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==",
    saltSeparator: "Bw==",
    rounds: 8,
    memCost: 14,
  },
  salt: "42xEC+ixf3L2lw==",
  hash: "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==",
  password: "user1password",
};

const b64 = (buffer: Buffer) => buffer.toString("base64").replace(/=+$/, "");

/** One hash per supported format, each with the password it was made from. */
export async function foreignHashes(): Promise<{ name: string; password: string; hash: unknown }[]> {
  const out: { name: string; password: string; hash: unknown }[] = [];
  const bcryptHash = bcrypt.hashSync("bcrypt-pass-1", 6);
  out.push({ name: "bcrypt-2b", password: "bcrypt-pass-1", hash: bcryptHash });
  // $2a$ and $2y$ name the same algorithm (older OpenBSD, PHP); exporters carry either prefix.
  out.push({ name: "bcrypt-2a", password: "bcrypt-pass-2", hash: `$2a$${bcrypt.hashSync("bcrypt-pass-2", 5).slice(4)}` });
  out.push({ name: "bcrypt-2y", password: "bcrypt-pass-3", hash: `$2y$${bcrypt.hashSync("bcrypt-pass-3", 5).slice(4)}` });
  // Weaker than Gatehouse's parameters, as another system may have used: verified, then rehashed.
  out.push({
    name: "argon2id",
    password: "argon2id-pass",
    hash: await argon2Hash("argon2id-pass", { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 }),
  });
  out.push({
    name: "argon2i",
    password: "argon2i-pass",
    hash: await argon2Hash("argon2i-pass", { algorithm: 1, memoryCost: 4096, timeCost: 2, parallelism: 1 }),
  });
  const scryptSalt = randomBytes(16);
  const scryptKey = scryptSync("scrypt-pass", scryptSalt, 32, { N: 2 ** 14, r: 8, p: 1 });
  out.push({ name: "scrypt", password: "scrypt-pass", hash: `$scrypt$ln=14,r=8,p=1$${b64(scryptSalt)}$${b64(scryptKey)}` });
  const salt = randomBytes(16);
  out.push({
    name: "pbkdf2-sha256",
    password: "pbkdf2-256-pass",
    hash: `$pbkdf2-sha256$i=20000,l=32$${b64(salt)}$${b64(pbkdf2Sync("pbkdf2-256-pass", salt, 20000, 32, "sha256"))}`,
  });
  out.push({
    name: "pbkdf2-sha512",
    password: "pbkdf2-512-pass",
    hash: `$pbkdf2-sha512$i=20000,l=64$${b64(salt)}$${b64(pbkdf2Sync("pbkdf2-512-pass", salt, 20000, 64, "sha512"))}`,
  });
  const djangoSalt = "Qw3rTy9UiOpAsDfGhJkL";
  out.push({
    name: "django",
    password: "django-pass",
    hash: `pbkdf2_sha256$30000$${djangoSalt}$${pbkdf2Sync("django-pass", djangoSalt, 30000, 32, "sha256").toString("base64")}`,
  });
  out.push({
    name: "firebase",
    password: FIREBASE_VECTOR.password,
    hash: { firebase_scrypt: { hash: FIREBASE_VECTOR.hash, salt: FIREBASE_VECTOR.salt } },
  });
  return out;
}

/** An App Services Admin API user object (PROTOCOL.md §11.2) of an email/password user. */
export function userpassUser(email: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    _id: newObjectId(),
    domain_id: "5f1a2b3c4d5e6f7a8b9c0d1e",
    identities: [{ id: newObjectId(), provider_type: "local-userpass", provider_id: "60a0b1c2d3e4f5a6b7c8d9e0", provider_data: { email } }],
    data: { email },
    type: "normal",
    creation_date: 1668199051,
    last_authentication_date: 1678918007,
    sessions_valid_since: 1668199051,
    disabled: false,
    ...extra,
  };
}

/** NDJSON text of records. */
export const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** The n-th user as an NDJSON line; ids are derived from n so a re-run produces the same file. */
export function bulkLine(n: number, hash: string): string {
  const id = n.toString(16).padStart(24, "0");
  const identity =
    n % 2 === 0
      ? { id: `acc${id.slice(3)}`, provider_type: "local-userpass", provider_data: { email: `user${n}@bulk.test` } }
      : { id: `jwt-sub-${n}`, provider_type: "custom-token", provider_data: {} };
  const record = {
    _id: id,
    identities: [identity],
    data: n % 2 === 0 ? { email: `user${n}@bulk.test` } : {},
    type: "normal",
    creation_date: 1668199051,
    disabled: false,
    domain_id: "x",
  };
  return JSON.stringify(n % 2 === 0 ? { ...record, password_hash: hash } : record);
}
