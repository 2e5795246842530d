import { decode, verify, TokenExpiredError, NotBeforeError } from 'jsonwebtoken';
import { constantTimeEqual } from '../../core/tokens/constant-time';
import { OidcIdTokenInvalidError, type OidcTokenFailure } from './oidc.errors';
import type { OidcKeys } from './oidc-keys';
import type { OidcAlgorithm } from './oidc.options';

/** Longest token read; a provider's id_token is a few KB. */
const MAX_TOKEN_LENGTH = 16 * 1024;
/** The `events` member of a back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** What a provider token is checked against. */
export interface ProviderTokenCheck {
  keys: OidcKeys;
  issuer: string;
  clientId: string;
  algorithms: readonly OidcAlgorithm[];
  clockToleranceSeconds: number;
  /** Epoch ms; default `Date.now()`. */
  now?: number;
}

/** A verified token's claims. */
export interface ProviderClaims extends Record<string, unknown> {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  nbf?: number;
  azp?: string;
}

/**
 * Verifies a JWT signed by the provider (`jsonwebtoken` on `node:crypto` keys from the provider's JWKS): the
 * algorithm from the allow-list (never `none`, never HS*: an HMAC keyed with a public key is the classic forgery),
 * the key by `kid` (`OidcKeys`), the signature pinned to that one algorithm, `iss` exactly, `aud` containing the
 * client, `azp` equal to the client when present (required with several audiences), `exp` required and `iat`
 * not in the future (both with the leeway), `nbf`. `fail` builds the error (the id_token's or the logout token's).
 */
export async function verifyProviderJwt(
  token: unknown, check: ProviderTokenCheck, fail: (reason: OidcTokenFailure) => Error,
): Promise<{ claims: ProviderClaims; typ?: string }> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw fail('malformed');
  let header: { alg?: unknown; kid?: unknown; typ?: unknown } | undefined;
  try {
    header = (decode(token, { complete: true }) as { header: typeof header } | null)?.header;
  } catch {
    header = undefined;
  }
  if (!header || typeof header !== 'object') throw fail('malformed');
  const alg = header.alg;
  if (typeof alg !== 'string' || !(check.algorithms as readonly string[]).includes(alg)) throw fail('algorithm');
  if (header.kid !== undefined && typeof header.kid !== 'string') throw fail('malformed');
  const key = await check.keys.key(header.kid as string | undefined, alg as OidcAlgorithm, () => fail('unknown_key'));
  const nowSeconds = Math.floor((check.now ?? Date.now()) / 1000);
  let payload: unknown;
  try {
    payload = verify(token, key, {
      algorithms: [alg as OidcAlgorithm], issuer: check.issuer, audience: check.clientId,
      clockTolerance: check.clockToleranceSeconds, clockTimestamp: nowSeconds,
    });
  } catch (error) {
    throw fail(failureOf(error));
  }
  if (!payload || typeof payload !== 'object') throw fail('malformed');
  const claims = payload as ProviderClaims;
  if (typeof claims.exp !== 'number') throw fail('expired');
  if (typeof claims.iat !== 'number' || claims.iat > nowSeconds + check.clockToleranceSeconds) throw fail('iat');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== check.clientId) throw fail('azp');
  return { claims, typ: typeof header.typ === 'string' ? header.typ : undefined };
}

function failureOf(error: unknown): OidcTokenFailure {
  if (error instanceof TokenExpiredError) return 'expired';
  if (error instanceof NotBeforeError) return 'not_yet_valid';
  const message = error instanceof Error ? error.message : '';
  if (message === 'invalid signature') return 'signature';
  if (message.startsWith('jwt issuer invalid')) return 'issuer';
  if (message.startsWith('jwt audience invalid')) return 'audience';
  return 'malformed';
}

/**
 * An id_token (OpenID Connect Core 1.0, 3.1.3.7): `verifyProviderJwt`, then a `sub`, this sign-in's `nonce`
 * (compared in constant time), and not a logout token passed off as one.
 */
export async function verifyIdToken(token: unknown, check: ProviderTokenCheck & { nonce: string }): Promise<ProviderClaims> {
  const fail = (reason: OidcTokenFailure) => new OidcIdTokenInvalidError(reason);
  const { claims, typ } = await verifyProviderJwt(token, check, fail);
  if (typ === 'logout+jwt' || claims.events !== undefined) throw fail('malformed');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 255) throw fail('subject');
  if (typeof claims.nonce !== 'string' || !constantTimeEqual(claims.nonce, check.nonce)) throw fail('nonce');
  return claims;
}

/**
 * A back-channel logout token (Back-Channel Logout 1.0, 2.6): `verifyProviderJwt`, the logout event, `sub` and/or
 * `sid`, a `jti`, and no `nonce` (so that an id_token is never taken for one).
 */
export async function verifyLogoutToken(
  token: unknown, check: ProviderTokenCheck, fail: (reason: OidcTokenFailure) => Error,
): Promise<{ sub?: string; sid?: string; jti: string; exp: number }> {
  const { claims } = await verifyProviderJwt(token, check, fail);
  const events = claims.events as Record<string, unknown> | undefined;
  if (!events || typeof events !== 'object' || typeof events[BACKCHANNEL_LOGOUT_EVENT] !== 'object') throw fail('events');
  if (claims.nonce !== undefined) throw fail('malformed');
  const sub = typeof claims.sub === 'string' && claims.sub.length > 0 && claims.sub.length <= 255 ? claims.sub : undefined;
  const sid = typeof claims.sid === 'string' && claims.sid.length > 0 && claims.sid.length <= 255 ? claims.sid : undefined;
  if (!sub && !sid) throw fail('subject');
  if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > 255) throw fail('malformed');
  return { sub, sid, jti: claims.jti, exp: claims.exp as number };
}
