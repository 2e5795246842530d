import type { Type } from '@nestjs/common';
import {
  COOKIE_OPTIONS, type HttpTransportOptions, type RefreshCookieOptions, type ResolvedCookieOptions, resolveCookieOptions,
} from './core/http/cookie.options';
import { ROLE_HIERARCHY, resolveRoleHierarchy, type RolesOptions } from './core/guards/roles.options';
import { IDENTITY_OPTIONS, type IdentityOptions, type ResolvedIdentityOptions, resolveIdentityOptions } from './core/users/identity.options';
import type { PasswordHasher } from './core/ports/password-hasher.interface';
import type { UserStore } from './core/ports/user-store.interface';
import {
  type GitHubOAuthOptions, type GoogleOAuthOptions, OAUTH_OPTIONS, type OAuthOptions, oauthSourceNames, resolveOAuthOptions, type ResolvedOAuthOptions,
} from './features/oauth/oauth.options';
import type { PassportOAuthSource } from './features/oauth/passport-oauth.options';
import { ACCOUNT_OPTIONS, type AccountOptions, resolveAccountOptions, type ResolvedAccountOptions } from './core/options/account.options';
import { MAIL_OPTIONS, type MailOptions, resolveMailOptions, type ResolvedMailOptions } from './core/mail/mail.options';
import type { Mailer } from './core/ports/mailer.interface';
import type { OneTimeTokenStore } from './core/ports/one-time-token-store.interface';
import { failOption, type OptionKeys, rejectUnknownKeys } from './core/options/options.validation';
import { REDIS_OPTIONS, type RedisModuleOptions, type ResolvedRedisOptions, resolveRedisOptions } from './adapters/redis/redis.options';
import { type ResolvedSessionOptions, resolveSessionOptions, SESSION_OPTIONS, type SessionOptions } from './core/sessions/session.options';
import type { SessionStore } from './core/ports/session-store.interface';
import type { LoginThrottler, ScopedThrottleRule } from './core/ports/login-throttler.interface';
import type { RouteThrottle } from './core/ports/route-throttle.interface';
import {
  type ResolvedRouteLimits, resolveRouteLimits, resolveThrottleRules, ROUTE_LIMITS, THROTTLE_RULES, type ThrottleOptions,
} from './core/throttling/throttle.options';
import { type JwtOptions, JWT_OPTIONS, type ResolvedJwtOptions, resolveJwtOptions, type TokenOptions } from './core/tokens/jwt.options';

/** A provider can be given as a class (instantiated by Nest) or as a ready instance. */
export type ProviderInput<T> = Type<T> | T;

/** The ports an app may replace; each defaults to the Redis adapter (with `redis`) or the in-memory one. */
export interface AdapterOptions {
  /** Your users (Prisma, TypeORM...). Default: `RedisUserStore` with Redis, `MemoryUserStore` without. */
  userStore?: ProviderInput<UserStore>;
  /** Default: `RedisSessionStore` with Redis, `MemorySessionStore` without. */
  sessionStore?: ProviderInput<SessionStore>;
  /** Default: argon2id. */
  passwordHasher?: ProviderInput<PasswordHasher>;
  /** Default: `RedisLoginThrottler` with Redis (in-process fallback while Redis is down), `MemoryLoginThrottler` without. */
  loginThrottler?: ProviderInput<LoginThrottler>;
  /** Sends the library's mails. Default: `SmtpMailer` with `mail.smtpUrl`, else `LoggingMailer` (logs that a mail was sent, never its link). */
  mailer?: ProviderInput<Mailer>;
  /** One-time tokens (reset, verification). Default: `RedisOneTimeTokenStore` with Redis, `MemoryOneTimeTokenStore` without. */
  oneTimeTokenStore?: ProviderInput<OneTimeTokenStore>;
  /** Throttle of registration and OAuth start. Default: `RedisRouteThrottle` with Redis, `MemoryRouteThrottle` without. */
  routeThrottle?: ProviderInput<RouteThrottle>;
}

/**
 * Everything `AuthModule.forRoot()` / `forRootAsync()` accepts: each feature's options (declared next to its
 * code) composed into one object. Only `jwt` is required.
 */
export interface AuthModuleOptions
  extends TokenOptions, SessionOptions, RedisModuleOptions, IdentityOptions, RolesOptions, HttpTransportOptions, AdapterOptions,
    AccountOptions, MailOptions {
  /**
   * Login throttling, always on (see `ThrottleOptions`). Defaults: 5 failures per email+ip in 15 min ->
   * blocked 1 min, doubling per further failure up to 15 min; 100 failures per ip in 15 min; 100 failures
   * per account (all ips) in 1 h. Registration: 20 per ip and 5 per email per hour; OAuth start: 30 per ip per
   * 10 min. The ip is `req.ip` (IPv6 keyed by /64): set Express `trust proxy` behind a proxy.
   */
  throttle?: ThrottleOptions;
  /** Google / GitHub sign-in, linking policy, redirects. A provider left out has no routes. See `OAuthOptions`. */
  oauth?: OAuthOptions;
}

/** Every feature's options after defaults and validation; each feature injects only its own slice. */
export interface ResolvedAuthOptions {
  jwt: ResolvedJwtOptions;
  sessions: ResolvedSessionOptions;
  redis: ResolvedRedisOptions;
  identity: ResolvedIdentityOptions;
  roleHierarchy: Record<string, string[]>;
  http: ResolvedCookieOptions;
  throttle: ScopedThrottleRule[];
  routeLimits: ResolvedRouteLimits;
  oauth: ResolvedOAuthOptions;
  account: ResolvedAccountOptions;
  mail: ResolvedMailOptions;
  adapters: AdapterOptions;
}

/** Every top-level option (exhaustive by type: a key added to a feature's options must be listed here). */
const KNOWN_KEYS: OptionKeys<AuthModuleOptions> = {
  jwt: true, accessTokenTtlSeconds: true, refreshTokenKey: true,
  refreshTokenTtlSeconds: true, sessionAbsoluteTtlSeconds: true, reuseWindowMs: true, refreshTokenRotation: true, maxSessionsPerUser: true,
  accessTokenValidation: true, sessionUserAgent: true,
  redis: true,
  registration: true, passwordHashing: true, passwordPolicy: true, revokeSessionsOnPasswordChange: true, revokeSessionsOnRoleChange: true,
  roleHierarchy: true,
  refreshTokenTransport: true, cookie: true, allowedOrigins: true, clearSiteDataOnLogout: true,
  userStore: true, sessionStore: true, passwordHasher: true, loginThrottler: true, routeThrottle: true, mailer: true, oneTimeTokenStore: true,
  throttle: true, oauth: true,
  requireVerifiedEmail: true, passwordReset: true, emailVerification: true, passwordChange: true, accountDeletion: true, hooks: true, claims: true,
  registrationFields: true, mail: true,
};
const JWT_KEYS: OptionKeys<JwtOptions> = {
  algorithm: true, secret: true, privateKey: true, publicKey: true, keyId: true, verificationKeys: true, issuer: true, audience: true,
  clockToleranceSeconds: true,
};
const COOKIE_KEYS: OptionKeys<RefreshCookieOptions> = { name: true, secure: true, path: true, domain: true };
const REGISTRATION_KEYS: OptionKeys<NonNullable<IdentityOptions['registration']>> = { enabled: true, defaultRoles: true, emailTakenResponse: true };
const OAUTH_KEYS: OptionKeys<OAuthOptions> = {
  google: true, github: true, passport: true, successRedirect: true, failureRedirect: true, linking: true, unverifiedEmail: true,
  stateTtlSeconds: true, providerTimeoutMs: true, linkMaxAuthAgeSeconds: true,
};
const PROVIDER_KEYS = { clientId: true, clientSecret: true, callbackUrl: true, scope: true, authorizationUrl: true, tokenUrl: true } as const;
const GOOGLE_KEYS: OptionKeys<GoogleOAuthOptions> = { ...PROVIDER_KEYS, userInfoUrl: true };
const GITHUB_KEYS: OptionKeys<GitHubOAuthOptions> = { ...PROVIDER_KEYS, apiUrl: true };
const PASSPORT_SOURCE_KEYS: OptionKeys<PassportOAuthSource> = { strategy: true, options: true, profile: true };

/** Unknown keys, at the top level and in the nested objects whose shape the library owns, stop the app. */
function rejectUnknownOptionKeys(options: AuthModuleOptions): void {
  rejectUnknownKeys(options, '', KNOWN_KEYS);
  rejectUnknownKeys(options.jwt, 'jwt', JWT_KEYS);
  rejectUnknownKeys(options.cookie, 'cookie', COOKIE_KEYS);
  rejectUnknownKeys(options.registration, 'registration', REGISTRATION_KEYS);
  rejectUnknownKeys(options.oauth, 'oauth', OAUTH_KEYS);
  rejectUnknownKeys(options.oauth?.google, 'oauth.google', GOOGLE_KEYS);
  rejectUnknownKeys(options.oauth?.github, 'oauth.github', GITHUB_KEYS);
  const passport = options.oauth?.passport;
  if (passport && typeof passport === 'object') {
    for (const [name, source] of Object.entries(passport)) rejectUnknownKeys(source, `oauth.passport.${name}`, PASSPORT_SOURCE_KEYS);
  }
}

/**
 * Applies defaults and validates options, feature by feature. Throws a `TypeError` naming the option, so a
 * misconfigured app refuses to start (unknown keys included: a typo is not silently ignored).
 */
export function resolveAuthOptions(options: AuthModuleOptions): ResolvedAuthOptions {
  if (!options || typeof options !== 'object') failOption('options', 'must be an object');
  rejectUnknownOptionKeys(options);
  const sessions = resolveSessionOptions(options);
  const http = resolveCookieOptions(options, sessions.refreshTokenTtlSeconds);
  const oauth = resolveOAuthOptions(options.oauth);
  if (http.refreshTokenTransport === 'body' && oauthSourceNames(oauth).length > 0) {
    failOption('oauth', "needs refreshTokenTransport 'cookie' or 'both': an OAuth callback is a browser redirect and can only hand over the refresh token as a cookie");
  }
  return {
    jwt: resolveJwtOptions(options),
    sessions,
    redis: resolveRedisOptions(options),
    identity: resolveIdentityOptions(options),
    roleHierarchy: resolveRoleHierarchy(options),
    http,
    throttle: resolveThrottleRules(options.throttle),
    routeLimits: resolveRouteLimits(options.throttle),
    oauth,
    account: resolveAccountOptions(options),
    mail: resolveMailOptions(options),
    adapters: {
      userStore: options.userStore, sessionStore: options.sessionStore, passwordHasher: options.passwordHasher, loginThrottler: options.loginThrottler,
      routeThrottle: options.routeThrottle, mailer: options.mailer, oneTimeTokenStore: options.oneTimeTokenStore,
    },
  };
}

/** The token of each feature's slice, and where it sits in `ResolvedAuthOptions`. */
export const OPTION_SLICES = [
  [JWT_OPTIONS, 'jwt'],
  [SESSION_OPTIONS, 'sessions'],
  [REDIS_OPTIONS, 'redis'],
  [IDENTITY_OPTIONS, 'identity'],
  [ROLE_HIERARCHY, 'roleHierarchy'],
  [COOKIE_OPTIONS, 'http'],
  [THROTTLE_RULES, 'throttle'],
  [ROUTE_LIMITS, 'routeLimits'],
  [OAUTH_OPTIONS, 'oauth'],
  [ACCOUNT_OPTIONS, 'account'],
  [MAIL_OPTIONS, 'mail'],
] as const satisfies ReadonlyArray<readonly [symbol, keyof ResolvedAuthOptions]>;
