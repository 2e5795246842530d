import type { KeyObject } from 'node:crypto';
import type { Type } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import type { UserStore } from './identity/user-store.interface';
import type { SessionStore } from './sessions/session-store.interface';
import type { SessionUserAgentMode } from './sessions/user-agent';
import type { PasswordHasher, PasswordHashingOptions } from './identity/password-hasher.interface';
import { type OAuthOptions, resolveOAuthOptions, type ResolvedOAuthOptions } from './oauth/oauth.options';
import { type PasswordPolicyOptions, type ResolvedPasswordPolicyOptions, resolvePasswordPolicyOptions } from './identity/password-policy';
import type { LoginThrottler, ScopedThrottleRule } from './throttling/login-throttler.interface';
import { resolveThrottleRules, type ThrottleOptions } from './throttling/throttle.options';
import { EDDSA_UNSUPPORTED } from './tokens/signing-keys';

/**
 * Algorithms accepted for access tokens: those of jsonwebtoken, under `@nestjs/jwt`. `none` is never
 * accepted; `EdDSA` is refused at start-up (jsonwebtoken 9 has no EdDSA).
 */
export const JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Key material: a PEM/raw string or Buffer, or a Node `KeyObject` (preferred; created once). */
export type KeyInput = string | Buffer | KeyObject;

/** A key accepted for verification only (the previous key during a rotation). */
export interface VerificationKeyOptions {
  keyId: string;
  algorithm: JwtAlgorithm;
  /** HS* secret, or the public key of an asymmetric algorithm. */
  key: KeyInput;
}

export interface JwtOptions {
  /** Signing algorithm. Default `HS256`. */
  algorithm?: JwtAlgorithm;
  /** HS* secret, at least 32 bytes (HS384: 48, HS512: 64). */
  secret?: KeyInput;
  /** Private key for RS*, PS*, ES*. */
  privateKey?: KeyInput;
  /** Public key for RS*, PS*, ES*; derived from `privateKey` when omitted. */
  publicKey?: KeyInput;
  /** `kid` header of issued tokens. Default: a fingerprint of the key. */
  keyId?: string;
  /** Keys that still verify but no longer sign (key rotation). */
  verificationKeys?: VerificationKeyOptions[];
  /** `iss` claim. Default `nestjs-authkit`. */
  issuer?: string;
  /** `aud` claim. Default `nestjs-authkit`. */
  audience?: string;
  /** Tolerance for `exp`/`nbf`/`iat` checks. Default 5. */
  clockToleranceSeconds?: number;
}

/**
 * Where Redis comes from. Omit `redis` entirely to use the in-memory stores (development only).
 * - `{ url }` / `{ url, options }`: the module registers its own client with `@liaoliaots/nestjs-redis`
 *   under the `authkit` namespace, with fail-fast defaults (no offline queue, 500 ms command timeout).
 * - `{ namespace }`: reuse a client the app already registered with `@liaoliaots/nestjs-redis`.
 * - `{ client }`: an ioredis client you created.
 */
export type RedisConnectionOptions =
  | { url?: string; options?: RedisOptions; keyPrefix?: string }
  | { namespace: string; keyPrefix?: string }
  | { client: Redis; keyPrefix?: string };

export type RefreshTokenTransport = 'cookie' | 'body' | 'both';

export interface RefreshCookieOptions {
  /** Cookie name. Default `authkit_rt`. When `secure`, the `__Secure-` prefix is added if the name lacks it. */
  name?: string;
  /** Default: true unless `NODE_ENV` is `development` or `test`. */
  secure?: boolean;
  /** Default: the path of the auth routes as requested (e.g. `/auth` or `/api/auth`). */
  path?: string;
  domain?: string;
}

/** A provider can be given as a class (instantiated by Nest) or as a ready instance. */
export type ProviderInput<T> = Type<T> | T;

export interface AuthModuleOptions {
  jwt: JwtOptions;
  /** Access token lifetime. Default 900 (15 min). */
  accessTokenTtlSeconds?: number;
  /** Sliding refresh lifetime: a session idle for longer ends. Default 30 days. */
  refreshTokenTtlSeconds?: number;
  /** Absolute session lifetime, however often it is refreshed. Default 90 days. */
  sessionAbsoluteTtlSeconds?: number;
  /** How long the previous refresh token counts as a concurrent duplicate rather than theft. Default 5000. */
  reuseWindowMs?: number;
  /** Oldest sessions are evicted beyond this. Default 10. */
  maxSessionsPerUser?: number;
  /**
   * `'session'` (default): every authenticated request checks the session still exists, so logout is
   * immediate (one Redis HGET). `'stateless'`: signature only; revocation takes effect at expiry.
   */
  accessTokenValidation?: 'session' | 'stateless';
  /**
   * What a session keeps of the client's `User-Agent` (shown by `GET /auth/sessions` as `userAgent`).
   * `'summary'` (default): a short description such as `'Chrome 131 on macOS'` (at most 64 characters): what a
   * session list needs, less personal data, and it keeps a session at about 330 bytes of Redis memory.
   * `'full'`: the raw header, up to 256 characters (about 150 bytes more per session in Redis). `'none'`.
   */
  sessionUserAgent?: SessionUserAgentMode;
  redis?: RedisConnectionOptions;
  /** Your users (Prisma, TypeORM...). Default: `RedisUserStore` with Redis, `MemoryUserStore` without. */
  userStore?: ProviderInput<UserStore>;
  /** Default: `RedisSessionStore` with Redis, `MemorySessionStore` without. */
  sessionStore?: ProviderInput<SessionStore>;
  /** Default: argon2id. */
  passwordHasher?: ProviderInput<PasswordHasher>;
  /** argon2id parameters for the default hasher. Default OWASP: m=19456 KiB, t=2, p=1. */
  passwordHashing?: Partial<PasswordHashingOptions>;
  /** Self-registration through `POST /auth/register`. Default true. */
  registration?: { enabled?: boolean; defaultRoles?: string[] };
  /** `{ admin: ['user'] }` means admin implies user for `@Roles('user')`. */
  roleHierarchy?: Record<string, string[]>;
  refreshTokenTransport?: RefreshTokenTransport;
  cookie?: RefreshCookieOptions;
  /** Origins allowed to send cookie-borne requests (CSRF). Same-origin requests are always allowed. */
  allowedOrigins?: string[];

  // Abuse resistance.

  /**
   * Login throttling, always on (see `ThrottleOptions`). Defaults: 5 failures per email+ip in 15 min ->
   * blocked 1 min, doubling per further failure up to 15 min; 100 failures per ip in 15 min; 100 failures
   * per account (all ips) in 1 h. The ip is `req.ip`: set Express `trust proxy` behind a proxy.
   */
  throttle?: ThrottleOptions;
  /** Default: `RedisLoginThrottler` with Redis (in-process fallback while Redis is down), `MemoryLoginThrottler` without. */
  loginThrottler?: ProviderInput<LoginThrottler>;
  /** Policy for new passwords. Default: 8 to 128 characters, not among the 10 000 most common, not the email. */
  passwordPolicy?: PasswordPolicyOptions;
  /** `AuthService.changePassword` revokes the user's other sessions. Default true. */
  revokeSessionsOnPasswordChange?: boolean;
  /**
   * `AuthService.setRoles` revokes the user's sessions, so that removed roles stop working at once.
   * Default false: new roles reach the next access token at the next refresh.
   */
  revokeSessionsOnRoleChange?: boolean;
  /** Google / GitHub sign-in, linking policy, redirects. A provider left out has no routes. See `OAuthOptions`. */
  oauth?: OAuthOptions;
}

/** Options after defaults and validation; what the library's providers consume. */
export interface ResolvedAuthOptions {
  jwt: Required<Pick<JwtOptions, 'algorithm' | 'issuer' | 'audience' | 'clockToleranceSeconds'>> & JwtOptions;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionAbsoluteTtlSeconds: number;
  reuseWindowMs: number;
  maxSessionsPerUser: number;
  accessTokenValidation: 'session' | 'stateless';
  sessionUserAgent: SessionUserAgentMode;
  redis?: RedisConnectionOptions;
  keyPrefix: string;
  registration: { enabled: boolean; defaultRoles: string[] };
  roleHierarchy: Record<string, string[]>;
  refreshTokenTransport: RefreshTokenTransport;
  cookie: Required<Pick<RefreshCookieOptions, 'name' | 'secure'>> & RefreshCookieOptions;
  allowedOrigins: string[];
  throttle: ScopedThrottleRule[];
  loginThrottler?: ProviderInput<LoginThrottler>;
  passwordPolicy: ResolvedPasswordPolicyOptions;
  revokeSessionsOnPasswordChange: boolean;
  revokeSessionsOnRoleChange: boolean;
  passwordHashing: PasswordHashingOptions;
  userStore?: ProviderInput<UserStore>;
  sessionStore?: ProviderInput<SessionStore>;
  passwordHasher?: ProviderInput<PasswordHasher>;
  oauth: ResolvedOAuthOptions;
}

const DAY_SECONDS = 24 * 60 * 60;

function fail(option: string, problem: string): never {
  throw new TypeError(`nestjs-authkit: option "${option}" ${problem}`);
}

function positiveInteger(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    fail(option, `must be a positive integer (got ${JSON.stringify(value)})`);
  }
  return value;
}

function nonNegativeNumber(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(option, `must be a non-negative number (got ${JSON.stringify(value)})`);
  }
  return value;
}

function booleanOption(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(option, `must be a boolean (got ${JSON.stringify(value)})`);
  return value;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;

/**
 * The refresh cookie's name. A Secure cookie always carries the `__Secure-` prefix (added to a configured
 * name that lacks it), so browsers refuse it from plain-HTTP responses and from sibling subdomains over HTTP.
 */
function cookieName(cookie: RefreshCookieOptions | undefined, secure: boolean): string {
  const name = cookie?.name ?? 'authkit_rt';
  if (typeof name !== 'string' || !COOKIE_NAME.test(name)) fail('cookie.name', 'must be a cookie name token of at most 64 characters');
  const prefixed = /^__(Secure|Host)-/.test(name);
  if (!secure) {
    if (prefixed) fail('cookie.name', 'has a __Secure-/__Host- prefix, which browsers accept only on a Secure cookie (cookie.secure)');
    return name;
  }
  if (name.startsWith('__Host-') && (cookie?.path !== '/' || cookie.domain !== undefined)) {
    fail('cookie.name', 'has the __Host- prefix, which needs cookie.path "/" and no cookie.domain');
  }
  return prefixed ? name : `__Secure-${name}`;
}

function isDevelopment(): boolean {
  return process.env.NODE_ENV === 'development' || process.env.NODE_ENV === 'test';
}

/**
 * Applies defaults and validates options. Throws a `TypeError` naming the option, so a misconfigured
 * app refuses to start. Key material is checked (and turned into KeyObjects) by `createSigningKeys`.
 */
export function resolveAuthOptions(options: AuthModuleOptions): ResolvedAuthOptions {
  if (!options || typeof options !== 'object') fail('options', 'must be an object');
  if (!options.jwt || typeof options.jwt !== 'object') fail('jwt', 'is required (at least { secret })');
  const algorithm = options.jwt.algorithm ?? 'HS256';
  if ((algorithm as string) === 'EdDSA') fail('jwt.algorithm', EDDSA_UNSUPPORTED);
  if (!(JWT_ALGORITHMS as readonly string[]).includes(algorithm)) {
    fail('jwt.algorithm', `must be one of ${JWT_ALGORITHMS.join(', ')} (got ${JSON.stringify(algorithm)})`);
  }
  const refreshTokenTtlSeconds = positiveInteger(options.refreshTokenTtlSeconds, 'refreshTokenTtlSeconds', 30 * DAY_SECONDS);
  const sessionAbsoluteTtlSeconds = positiveInteger(options.sessionAbsoluteTtlSeconds, 'sessionAbsoluteTtlSeconds', 90 * DAY_SECONDS);
  const validation = options.accessTokenValidation ?? 'session';
  if (validation !== 'session' && validation !== 'stateless') {
    fail('accessTokenValidation', `must be 'session' or 'stateless' (got ${JSON.stringify(validation)})`);
  }
  const transport = options.refreshTokenTransport ?? 'cookie';
  if (!['cookie', 'body', 'both'].includes(transport)) {
    fail('refreshTokenTransport', `must be 'cookie', 'body' or 'both' (got ${JSON.stringify(transport)})`);
  }
  const roleHierarchy = options.roleHierarchy ?? {};
  for (const [role, implied] of Object.entries(roleHierarchy)) {
    if (!Array.isArray(implied) || implied.some((r) => typeof r !== 'string')) {
      fail(`roleHierarchy.${role}`, 'must be an array of role names');
    }
  }
  const defaultRoles = options.registration?.defaultRoles ?? ['user'];
  if (!Array.isArray(defaultRoles) || defaultRoles.some((r) => typeof r !== 'string' || !r)) {
    fail('registration.defaultRoles', 'must be an array of non-empty strings');
  }
  const sessionUserAgent = options.sessionUserAgent ?? 'summary';
  if (!['summary', 'full', 'none'].includes(sessionUserAgent)) {
    fail('sessionUserAgent', `must be 'summary', 'full' or 'none' (got ${JSON.stringify(sessionUserAgent)})`);
  }
  const secure = options.cookie?.secure ?? !isDevelopment();
  const keyPrefix = options.redis?.keyPrefix ?? 'authkit';
  if (!/^[A-Za-z0-9:_-]{1,64}$/.test(keyPrefix)) fail('redis.keyPrefix', 'must match [A-Za-z0-9:_-]{1,64}');
  if (options.redis && 'url' in options.redis && options.redis.url !== undefined && typeof options.redis.url !== 'string') {
    fail('redis.url', 'must be a string such as redis://127.0.0.1:6379');
  }
  const oauth = resolveOAuthOptions(options.oauth);
  if (transport === 'body' && Object.keys(oauth.providers).length > 0) {
    fail('oauth', "needs refreshTokenTransport 'cookie' or 'both': an OAuth callback is a browser redirect and can only hand over the refresh token as a cookie");
  }
  const hashing = options.passwordHashing ?? {};
  const passwordHashing: PasswordHashingOptions = {
    memoryCostKiB: positiveInteger(hashing.memoryCostKiB, 'passwordHashing.memoryCostKiB', 19456),
    timeCost: positiveInteger(hashing.timeCost, 'passwordHashing.timeCost', 2),
    parallelism: positiveInteger(hashing.parallelism, 'passwordHashing.parallelism', 1),
  };
  if (passwordHashing.memoryCostKiB < 8 * passwordHashing.parallelism) {
    fail('passwordHashing.memoryCostKiB', 'must be at least 8 KiB per lane (8 * parallelism); argon2 refuses less');
  }
  return {
    jwt: {
      ...options.jwt,
      algorithm,
      issuer: options.jwt.issuer ?? 'nestjs-authkit',
      audience: options.jwt.audience ?? 'nestjs-authkit',
      clockToleranceSeconds: nonNegativeNumber(options.jwt.clockToleranceSeconds, 'jwt.clockToleranceSeconds', 5),
    },
    accessTokenTtlSeconds: positiveInteger(options.accessTokenTtlSeconds, 'accessTokenTtlSeconds', 15 * 60),
    refreshTokenTtlSeconds,
    sessionAbsoluteTtlSeconds,
    reuseWindowMs: nonNegativeNumber(options.reuseWindowMs, 'reuseWindowMs', 5000),
    maxSessionsPerUser: positiveInteger(options.maxSessionsPerUser, 'maxSessionsPerUser', 10),
    accessTokenValidation: validation,
    sessionUserAgent,
    redis: options.redis,
    keyPrefix,
    registration: { enabled: options.registration?.enabled ?? true, defaultRoles },
    roleHierarchy,
    refreshTokenTransport: transport,
    cookie: {
      ...options.cookie,
      secure,
      name: cookieName(options.cookie, secure),
    },
    allowedOrigins: options.allowedOrigins ?? [],
    throttle: resolveThrottleRules(options.throttle),
    loginThrottler: options.loginThrottler,
    passwordPolicy: resolvePasswordPolicyOptions(options.passwordPolicy),
    revokeSessionsOnPasswordChange: booleanOption(options.revokeSessionsOnPasswordChange, 'revokeSessionsOnPasswordChange', true),
    revokeSessionsOnRoleChange: booleanOption(options.revokeSessionsOnRoleChange, 'revokeSessionsOnRoleChange', false),
    passwordHashing,
    userStore: options.userStore,
    sessionStore: options.sessionStore,
    passwordHasher: options.passwordHasher,
    oauth,
  };
}
