import { createPrivateKey, type KeyObject } from 'node:crypto';
import { failOption as fail, type OptionKeys, rejectUnknownKeys } from '../../core/options/options.validation';
import { OAUTH_SOURCE_NAME_PATTERN, RESERVED_SOURCE_NAMES } from '../../core/sign-in/oauth-sources';

/** The id_token signature algorithms the library verifies (never `none`, never HS* with the provider's public key). */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type OidcAlgorithm = (typeof OIDC_ALGORITHMS)[number];

/** How the client authenticates at the token endpoint. */
export type OidcClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/**
 * `private_key_jwt` client authentication (OpenID Connect Core 9, RFC 7523): each token request carries a JWT signed
 * with this key (`iss` = `sub` = the client id, `aud` = the issuer, 60 s, a fresh `jti`). Register the public key
 * (or a JWKS URL serving it) at the provider.
 */
export interface OidcPrivateKeyJwtOptions {
  /** The client's private key: PEM, or a `KeyObject`. RSA (2048 bits or more) or EC P-256/384/521. */
  privateKey: string | KeyObject;
  /** The `kid` of the registered public key, when the provider knows several. */
  keyId?: string;
  /** Default: RS256 for an RSA key, ES256/384/512 for an EC key by its curve. */
  algorithm?: OidcAlgorithm;
}

/** Where a provider puts the claims the library reads (defaults: `email`, `email_verified`, `name`). */
export interface OidcClaimsMapping {
  email?: string;
  emailVerified?: string;
  name?: string;
}

/**
 * One OpenID Connect provider (Keycloak, Auth0, Okta, Microsoft Entra ID, Google...): its routes are
 * `GET /<prefix>/<name>`, `/<name>/callback`, `/<name>/link` and `POST /<name>/backchannel-logout`.
 */
export interface OidcProviderOptions {
  /** The issuer identifier, exactly as the provider's discovery document states it (`https://idp.example.com/realms/acme`). */
  issuer: string;
  clientId: string;
  /** The client secret (`client_secret_basic` / `_post`); or `privateKeyJwt` instead. */
  clientSecret?: string;
  /** Authenticate with a signed JWT instead of a secret (`private_key_jwt`). */
  privateKeyJwt?: OidcPrivateKeyJwtOptions;
  /** The `redirect_uri` registered at the provider: the absolute URL of `GET /<prefix>/<name>/callback`. */
  callbackUrl: string;
  /** Scopes to request; must contain `openid`. Default `['openid', 'email', 'profile']`. */
  scopes?: string[];
  /**
   * Default: `private_key_jwt` with `privateKeyJwt`; else `client_secret_basic` when the provider lists it (or lists
   * nothing), else `client_secret_post`.
   */
  tokenEndpointAuthMethod?: OidcClientAuthMethod;
  /** The id_token algorithms accepted (a subset of `OIDC_ALGORITHMS`). Default: all of them. */
  allowedAlgorithms?: OidcAlgorithm[];
  /** Leeway for `exp`, `iat` and `nbf`. Default 60, at most 300. */
  clockToleranceSeconds?: number;
  /** Claim names, for providers that use others (Entra's `preferred_username` is NOT a verified email: do not map it). */
  claims?: OidcClaimsMapping;
  /** How long the discovery document and the keys are cached. Default 3600. */
  discoveryTtlSeconds?: number;
  /** After a failed discovery, no new attempt for this long (each sign-in answers 503 meanwhile). Default 5000. */
  discoveryRetryMs?: number;
  /** Timeout of each request to the provider. Default 5000. */
  timeoutMs?: number;
}

/** `oidc` in `AuthModuleOptions`: the OpenID Connect providers, by a name of the app's choosing. */
export type OidcOptions = Record<string, OidcProviderOptions>;

/** One provider after defaults and validation. */
export interface ResolvedOidcProvider {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret?: string;
  privateKeyJwt?: { key: KeyObject; keyId?: string; algorithm: OidcAlgorithm };
  callbackUrl: string;
  scopes: string[];
  tokenEndpointAuthMethod?: OidcClientAuthMethod;
  allowedAlgorithms: OidcAlgorithm[];
  clockToleranceSeconds: number;
  claims: Required<OidcClaimsMapping>;
  discoveryTtlMs: number;
  discoveryRetryMs: number;
  timeoutMs: number;
}

/** `oidc` after defaults and validation, by name. */
export type ResolvedOidcOptions = Record<string, ResolvedOidcProvider>;

/** Injection token of `ResolvedOidcOptions`. */
export const OIDC_OPTIONS = Symbol('authkit:oidc-options');

/** The top-level option the oidc feature owns. */
export const OIDC_OPTION_KEYS: OptionKeys<{ oidc?: OidcOptions }> = { oidc: true };
const PROVIDER_KEYS: OptionKeys<OidcProviderOptions> = {
  issuer: true, clientId: true, clientSecret: true, privateKeyJwt: true, callbackUrl: true, scopes: true, tokenEndpointAuthMethod: true, allowedAlgorithms: true,
  clockToleranceSeconds: true, claims: true, discoveryTtlSeconds: true, discoveryRetryMs: true, timeoutMs: true,
};
const CLAIM_KEYS: OptionKeys<OidcClaimsMapping> = { email: true, emailVerified: true, name: true };
const KEY_JWT_KEYS: OptionKeys<OidcPrivateKeyJwtOptions> = { privateKey: true, keyId: true, algorithm: true };
const EC_ALGORITHMS: Record<string, OidcAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

function resolveKeyJwt(raw: unknown, at: string): ResolvedOidcProvider['privateKeyJwt'] {
  if (raw === undefined) return undefined;
  if (!raw || typeof raw !== 'object') fail(at, 'must be an object with privateKey');
  rejectUnknownKeys(raw, at, KEY_JWT_KEYS);
  const given = raw as Partial<OidcPrivateKeyJwtOptions>;
  let key: KeyObject;
  try {
    key = typeof given.privateKey === 'string' ? createPrivateKey(given.privateKey) : (given.privateKey as KeyObject);
  } catch {
    fail(`${at}.privateKey`, 'must be a PEM private key or a private KeyObject');
  }
  if (!key || typeof key !== 'object' || key.type !== 'private') fail(`${at}.privateKey`, 'must be a PEM private key or a private KeyObject');
  const type = key.asymmetricKeyType;
  const fallback = type === 'rsa' ? 'RS256' : type === 'ec' ? EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  const algorithm = given.algorithm ?? fallback;
  const fits = type === 'rsa' ? /^(RS|PS)/.test(algorithm ?? '') && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048
    : type === 'ec' ? algorithm === fallback : false;
  if (!algorithm || !fits) fail(`${at}.privateKey`, 'must be an RSA key (2048 bits or more) or an EC P-256/384/521 key matching the algorithm');
  if (given.keyId !== undefined && (typeof given.keyId !== 'string' || given.keyId === '')) fail(`${at}.keyId`, 'must be a non-empty string');
  return { key, keyId: given.keyId, algorithm: algorithm as OidcAlgorithm };
}
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const CLAIM_NAME = /^[A-Za-z0-9_.:/-]{1,100}$/;

function httpUrl(value: unknown, option: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) fail(option, 'must be an absolute http(s) URL');
  if (url.username || url.password || url.search || url.hash) fail(option, 'must not carry credentials, a query or a fragment');
  return value as string;
}

function nonEmpty(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(option, 'must be a non-empty string');
  return value;
}

function integer(value: unknown, option: string, fallback: number, min: number, max: number): number {
  const n = value ?? fallback;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) fail(option, `must be an integer from ${min} to ${max}`);
  return n;
}

function resolveProvider(name: string, raw: unknown, taken: readonly string[]): ResolvedOidcProvider {
  const at = `oidc.${name}`;
  if (!OAUTH_SOURCE_NAME_PATTERN.test(name) || RESERVED_SOURCE_NAMES.has(name)) {
    fail(at, 'has an invalid name: lower-case letters, digits and "-", starting with a letter, at most 32, not a route of the auth controller');
  }
  if (taken.includes(name)) fail(at, `clashes with the OAuth source oauth.${name}; give one of them another name`);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(at, 'must be an object with issuer, clientId, clientSecret and callbackUrl');
  rejectUnknownKeys(raw, at, PROVIDER_KEYS);
  const given = raw as Partial<OidcProviderOptions>;
  const scopes = given.scopes ?? ['openid', 'email', 'profile'];
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !SCOPE_TOKEN.test(s))) fail(`${at}.scopes`, 'must be an array of scope tokens');
  if (!scopes.includes('openid')) fail(`${at}.scopes`, "must contain 'openid'");
  const privateKeyJwt = resolveKeyJwt(given.privateKeyJwt, `${at}.privateKeyJwt`);
  if ((given.clientSecret === undefined) === (privateKeyJwt === undefined)) fail(at, 'needs exactly one of clientSecret and privateKeyJwt');
  let method = given.tokenEndpointAuthMethod;
  if (method !== undefined && method !== 'client_secret_basic' && method !== 'client_secret_post' && method !== 'private_key_jwt') {
    fail(`${at}.tokenEndpointAuthMethod`, "must be 'client_secret_basic', 'client_secret_post' or 'private_key_jwt'");
  }
  if ((method === 'private_key_jwt') !== (privateKeyJwt !== undefined) && method !== undefined) {
    fail(`${at}.tokenEndpointAuthMethod`, "is 'private_key_jwt' exactly when privateKeyJwt is given");
  }
  if (privateKeyJwt) method = 'private_key_jwt';
  const algorithms = given.allowedAlgorithms ?? [...OIDC_ALGORITHMS];
  if (!Array.isArray(algorithms) || algorithms.length === 0 || algorithms.some((a) => !(OIDC_ALGORITHMS as readonly string[]).includes(a))) {
    fail(`${at}.allowedAlgorithms`, `must be a non-empty array of ${OIDC_ALGORITHMS.join(', ')} (never none or HS*)`);
  }
  if (given.claims !== undefined) {
    if (!given.claims || typeof given.claims !== 'object') fail(`${at}.claims`, 'must be an object');
    rejectUnknownKeys(given.claims, `${at}.claims`, CLAIM_KEYS);
    for (const [key, value] of Object.entries(given.claims)) {
      if (typeof value !== 'string' || !CLAIM_NAME.test(value)) fail(`${at}.claims.${key}`, 'must be a claim name');
    }
  }
  const issuer = httpUrl(given.issuer, `${at}.issuer`);
  if (new URL(issuer).protocol !== 'https:' && !isLoopback(issuer)) fail(`${at}.issuer`, 'must be an https URL (http only on loopback, for tests)');
  return {
    name,
    issuer,
    clientId: nonEmpty(given.clientId, `${at}.clientId`),
    clientSecret: given.clientSecret === undefined ? undefined : nonEmpty(given.clientSecret, `${at}.clientSecret`),
    privateKeyJwt,
    callbackUrl: httpUrl(given.callbackUrl, `${at}.callbackUrl`),
    scopes: [...scopes],
    tokenEndpointAuthMethod: method,
    allowedAlgorithms: [...algorithms],
    clockToleranceSeconds: integer(given.clockToleranceSeconds, `${at}.clockToleranceSeconds`, 60, 0, 300),
    claims: { email: 'email', emailVerified: 'email_verified', name: 'name', ...given.claims },
    discoveryTtlMs: integer(given.discoveryTtlSeconds, `${at}.discoveryTtlSeconds`, 3600, 60, 86_400) * 1000,
    discoveryRetryMs: integer(given.discoveryRetryMs, `${at}.discoveryRetryMs`, 5000, 0, 300_000),
    timeoutMs: integer(given.timeoutMs, `${at}.timeoutMs`, 5000, 1, 60_000),
  };
}

/** Whether an http URL's host is a loopback address (a local test provider). */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Applies defaults to `oidc` and validates it; throws a `TypeError` naming the option. `taken` are the names of the
 * OAuth sources (a provider may not reuse one).
 */
export function resolveOidcOptions(options: OidcOptions | undefined, taken: readonly string[] = []): ResolvedOidcOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('oidc', 'must be an object of named OpenID Connect providers');
  const resolved: ResolvedOidcOptions = {};
  for (const [name, given] of Object.entries(options)) resolved[name] = resolveProvider(name, given, taken);
  return resolved;
}
