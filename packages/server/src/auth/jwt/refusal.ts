import { Errors, type GatehouseError } from "../../errors.js";

/** Every way an external JWT (custom JWT, Google or Apple id_token) can be refused. */
export type JwtFailure =
  | "malformed"
  | "algorithm"
  | "signature"
  | "expired"
  | "notYetValid"
  | "audience"
  | "issuer"
  | "subject"
  | "keyUnknown"
  | "keysUnavailable";

/** A refused external JWT; `toError` names it for the client. */
export class JwtRefused extends Error {
  constructor(
    readonly failure: JwtFailure,
    message: string,
  ) {
    super(message);
    this.name = "JwtRefused";
  }

  /**
   * The catalogue error. `label` names the token in the message: App Services' custom JWT answers
   * started `invalid custom auth token:` (PROTOCOL.md §7.3).
   */
  toError(label: string): GatehouseError {
    switch (this.failure) {
      case "malformed":
        return Errors.jwtMalformed(label, this.message);
      case "algorithm":
        return Errors.jwtAlgorithmRefused(label, this.message);
      case "signature":
        return Errors.jwtSignatureInvalid(label);
      case "expired":
        return Errors.jwtExpired(label);
      case "notYetValid":
        return Errors.jwtNotYetValid(label, this.message);
      case "audience":
        return Errors.jwtAudienceMismatch(label);
      case "issuer":
        return Errors.jwtIssuerMismatch(label);
      case "subject":
        return Errors.jwtSubjectMissing(label);
      case "keyUnknown":
        return Errors.jwtKeyUnknown(label);
      case "keysUnavailable":
        return Errors.jwksUnavailable(label, this.message);
    }
  }
}
