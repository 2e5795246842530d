/** Claims of a verified access token. */
export interface AccessTokenClaims {
  /** User id. */
  sub: string;
  /** Session id. */
  sid: string;
  roles: string[];
  iat: number;
  exp: number;
  iss: string;
  aud: string | string[];
  jti: string;
  /** How the user signed in for this session (e.g. `['pwd']`); absent in tokens issued before the claim existed. */
  amr?: string[];
  /** When the user authenticated for this session, epoch seconds (OIDC `auth_time`). */
  auth_time?: number;
  /** The user's claims version the token's session claims were read under (see `SessionVersions`); absent without them. */
  cv?: number;
}

export interface IssuedAccessToken {
  accessToken: string;
  expiresInSeconds: number;
}

/** The parts of an opaque refresh token `<base64url(userId)>.<sessionId>.<secret>.<mac>` (see `refresh-token.codec.ts`). */
export interface ParsedRefreshToken {
  userId: string;
  sessionId: string;
  /** SHA-256 of the secret (base64url); the only form the stores ever see. */
  secretHash: string;
}

export interface IssuedRefreshToken extends ParsedRefreshToken {
  refreshToken: string;
}

/** A JSON Web Key Set with the public verification keys (empty for HS* algorithms). */
export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>;
}
