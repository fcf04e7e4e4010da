import { createPublicKey, createSecretKey, type KeyObject } from "node:crypto";

/**
 * Turns the secret values of `secret_config.signingKeys` into verification keys. HS256 keys are the
 * shared secret's bytes; RS256, ES256 and EdDSA keys are public keys as PEM (SPKI or an X.509
 * certificate) or as a JWK in JSON. Throws with a message for the operator.
 */
export function staticKeys(algorithm: string, secrets: string[]): KeyObject[] {
  return secrets.map((secret, i) => {
    if (algorithm === "HS256") {
      // A public key used as an HMAC secret is the algorithm-confusion hole: anyone holding it could sign.
      if (secret.includes("-----BEGIN")) throw new Error(`signing key ${i + 1} is a PEM key, but HS256 needs a shared secret`);
      if (secret.length < 32) throw new Error(`signing key ${i + 1} is shorter than 32 characters (App Services required 32 to 512)`);
      return createSecretKey(Buffer.from(secret, "utf8"));
    }
    let key: KeyObject;
    try {
      const text = secret.trim();
      key = text.startsWith("{")
        ? createPublicKey({ key: JSON.parse(text) as Record<string, unknown> as never, format: "jwk" })
        : createPublicKey(text);
    } catch {
      throw new Error(`signing key ${i + 1} is not a public key (PEM or JWK) for ${algorithm}`);
    }
    const wanted = { RS256: "rsa", ES256: "ec", EdDSA: "ed25519" }[algorithm];
    if (key.asymmetricKeyType !== wanted)
      throw new Error(`signing key ${i + 1} is a ${key.asymmetricKeyType} key; ${algorithm} needs ${wanted}`);
    return key;
  });
}
