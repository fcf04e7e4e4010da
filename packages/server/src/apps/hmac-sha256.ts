import { createHash, hash } from "node:crypto";

/** SHA-256's block size in bytes (RFC 2104's B). */
const BLOCK = 64;

/**
 * HMAC-SHA256 (RFC 2104) over node:crypto's one-shot `hash`, with the padded keys computed once.
 *
 * Why not `createHmac`: with OpenSSL 3, every `createHmac` call fetches the algorithm from the provider and
 * builds a MAC context, which costs several times the two SHA-256 compressions of a token. The one-shot
 * hash skips that per-call setup; the construction itself is the RFC's, checked against `createHmac` and
 * RFC 4231's vectors in test/auth/hmac-sha256.test.ts.
 */
export class HmacSha256 {
  private readonly inner: Buffer;
  private readonly outer: Buffer;

  constructor(key: Buffer) {
    // Keys longer than a block are hashed first (RFC 2104 §2); shorter ones are zero-padded.
    const k = Buffer.alloc(BLOCK);
    (key.length > BLOCK ? createHash("sha256").update(key).digest() : key).copy(k);
    this.inner = Buffer.allocUnsafe(BLOCK);
    this.outer = Buffer.allocUnsafe(BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      this.inner[i] = k[i]! ^ 0x36;
      this.outer[i] = k[i]! ^ 0x5c;
    }
    k.fill(0);
  }

  /** The MAC of a UTF-8 string, base64url without padding (a JWS signature). */
  base64url(message: string): string {
    const length = Buffer.byteLength(message, "utf8");
    const data = Buffer.allocUnsafe(BLOCK + length);
    this.inner.copy(data, 0);
    data.write(message, BLOCK, "utf8");
    const innerDigest = hash("sha256", data, "buffer");
    const outerData = Buffer.allocUnsafe(BLOCK + innerDigest.length);
    this.outer.copy(outerData, 0);
    innerDigest.copy(outerData, BLOCK);
    data.fill(0, 0, BLOCK);
    return hash("sha256", outerData, "base64url");
  }
}
