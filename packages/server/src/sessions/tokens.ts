/** The client API's tokens (PROTOCOL.md §7.2), signed by the app's {@link TokenSigner}. */
import { APP_CLAIM, type JwtClaims } from "../apps/token-signer.js";

export {
  APP_CLAIM,
  TokenSigner,
  decodeToken,
  peekAppId,
  type DecodedToken,
  type JwtClaims,
  type SignedClaims,
} from "../apps/token-signer.js";

/** Claims of an access token (PROTOCOL.md §7.2), plus our app claim. */
export interface AccessClaims extends JwtClaims {
  sub: string;
  iss: string;
  iat: number;
  exp: number;
  typ: "access";
  baas_device_id: string;
  baas_domain_id: string;
  user_data?: Record<string, unknown>;
  [APP_CLAIM]: string;
}

/** Claims of a refresh token (PROTOCOL.md §7.2), plus our app claim. */
export interface RefreshClaims extends JwtClaims {
  sub: string;
  iat: number;
  exp: number;
  typ: "refresh";
  baas_id: string;
  baas_identity: { id: string; provider_type: string; provider_id: string };
  baas_data: null;
  baas_device_id: string;
  baas_domain_id: string;
  [APP_CLAIM]: string;
}
