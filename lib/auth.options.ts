import type { Type } from '@nestjs/common';
import {
  COOKIE_OPTIONS, HTTP_TRANSPORT_OPTION_KEYS, type HttpTransportOptions, type ResolvedCookieOptions, resolveCookieOptions,
} from './core/http/cookie.options';
import { ROLE_HIERARCHY, resolveRoleHierarchy, ROLES_OPTION_KEYS, type RolesOptions } from './core/guards/roles.options';
import {
  IDENTITY_OPTION_KEYS, IDENTITY_OPTIONS, type IdentityOptions, type ResolvedIdentityOptions, resolveIdentityOptions,
} from './core/users/identity.options';
import type { PasswordHasher } from './core/ports/password-hasher.interface';
import type { UserStore } from './core/ports/user-store.interface';
import type { CredentialStore } from './core/ports/credential-store.interface';
import type { IdentityStore } from './core/ports/identity-store.interface';
import { resolveSignInSteps, SIGN_IN_OPTION_KEYS, type SignInPipelineOptions } from './core/sign-in/sign-in.options';
import type { SignInStepInput } from './core/sign-in/sign-in-step';
import {
  OAUTH_OPTION_KEYS, OAUTH_OPTIONS, type OAuthOptions, oauthSourceNames, resolveOAuthOptions, type ResolvedOAuthOptions,
} from './features/oauth/oauth.options';
import { OIDC_OPTION_KEYS, OIDC_OPTIONS, type OidcOptions, resolveOidcOptions, type ResolvedOidcOptions } from './features/oidc/oidc.options';
import {
  ACCOUNT_OPTION_KEYS, ACCOUNT_OPTIONS, type AccountOptions, resolveAccountOptions, type ResolvedAccountOptions,
} from './core/options/account.options';
import { MFA_OPTION_KEYS, MFA_OPTIONS, type MfaOptions, resolveMfaOptions, type ResolvedMfaOptions } from './features/mfa/mfa.options';
import {
  ORGANIZATIONS_OPTION_KEYS, ORGANIZATIONS_OPTIONS, type OrganizationsOptions, resolveOrganizationsOptions, type ResolvedOrganizationsOptions,
} from './features/organizations/organizations.options';
import {
  PASSKEY_OPTION_KEYS, PASSKEY_OPTIONS, type PasskeyOptions, resolvePasskeyOptions, type ResolvedPasskeyOptions,
} from './features/passkeys/passkeys.options';
import {
  API_KEYS_OPTION_KEYS, API_KEYS_OPTIONS, type ApiKeysOptions, resolveApiKeysOptions, type ResolvedApiKeysOptions,
} from './features/api-keys/api-keys.options';
import {
  MAGIC_LINK_OPTION_KEYS, MAGIC_LINK_OPTIONS, type MagicLinkOptions, resolveMagicLinkOptions, type ResolvedMagicLinkOptions,
} from './features/magic-link/magic-link.options';
import { MAIL_OPTION_KEYS, MAIL_OPTIONS, type MailOptions, resolveMailOptions, type ResolvedMailOptions } from './core/mail/mail.options';
import type { Mailer } from './core/ports/mailer.interface';
import type { OneTimeTokenStore } from './core/ports/one-time-token-store.interface';
import { failOption, type OptionKeys, rejectUnknownKeys } from './core/options/options.validation';
import {
  REDIS_OPTION_KEYS, REDIS_OPTIONS, type RedisModuleOptions, type ResolvedRedisOptions, resolveRedisOptions,
} from './adapters/redis/redis.options';
import {
  type ResolvedSessionOptions, resolveSessionOptions, SESSION_OPTION_KEYS, SESSION_OPTIONS, type SessionOptions,
} from './core/sessions/session.options';
import type { SessionStore } from './core/ports/session-store.interface';
import type { LoginThrottler, ScopedThrottleRule } from './core/ports/login-throttler.interface';
import type { RouteThrottle } from './core/ports/route-throttle.interface';
import {
  KERNEL_ROUTE_LIMITS, rejectUnknownThrottleKeys, type ResolvedRouteLimits, resolveRouteLimits, resolveThrottleRules, ROUTE_LIMITS,
  THROTTLE_OPTION_KEYS, THROTTLE_RULES, type ThrottleOptions,
} from './core/throttling/throttle.options';
import { JWT_OPTIONS, type ResolvedJwtOptions, resolveJwtOptions, TOKEN_OPTION_KEYS, type TokenOptions } from './core/tokens/jwt.options';
import type { AuthFeature } from './core/feature/auth-feature';
import { type FeatureDeclarations, gatherDeclarations } from './core/feature/feature-registry';
import { BUILT_IN_FEATURES } from './auth.features';

/** A provider can be given as a class (instantiated by Nest) or as a ready instance. */
export type ProviderInput<T> = Type<T> | T;

/** The ports an app may replace; each defaults to the Redis adapter (with `redis`) or the in-memory one. */
export interface AdapterOptions {
  /**
   * Your users (Prisma, TypeORM...). Default: `RedisUserStore` with Redis, `MemoryUserStore` without. The class may
   * also implement `CredentialStore` (password sign-in needs it) and `IdentityStore` (OAuth needs it): then it is
   * all there is to configure.
   */
  userStore?: ProviderInput<UserStore>;
  /** The password hashes, when a class other than `userStore` keeps them. Default: the `userStore`. */
  credentialStore?: ProviderInput<CredentialStore>;
  /** The OAuth identities, when a class other than `userStore` keeps them. Default: the `userStore` if it implements `IdentityStore`. */
  identityStore?: ProviderInput<IdentityStore>;
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
    AccountOptions, MailOptions, SignInPipelineOptions {
  /**
   * Login throttling, always on (see `ThrottleOptions`). Defaults: 5 failures per email+ip in 15 min ->
   * blocked 1 min, doubling per further failure up to 15 min; 100 failures per ip in 15 min; 100 failures
   * per account (all ips) in 1 h. Registration: 20 per ip and 5 per email per hour; OAuth start: 30 per ip per
   * 10 min. The ip is `req.ip` (IPv6 keyed by /64): set Express `trust proxy` behind a proxy.
   */
  throttle?: ThrottleOptions;
  /** Google / GitHub sign-in, linking policy, redirects. A provider left out has no routes. See `OAuthOptions`. */
  oauth?: OAuthOptions;
  /**
   * OpenID Connect providers (Keycloak, Auth0, Okta, Entra ID, Google...) by a name of the app's choosing: each gets
   * `GET /<prefix>/<name>`, its callback, link and back-channel logout. See `OidcProviderOptions`.
   */
  oidc?: OidcOptions;
  /** Two-factor sign-in (TOTP + recovery codes); off without it. See `MfaOptions`. */
  mfa?: MfaOptions;
  /** Organizations: multi-tenant roles, invitations, the active organization in the token; off without it. See `OrganizationsOptions`. */
  organizations?: OrganizationsOptions;
  /** Passkeys (WebAuthn): registration, passwordless sign-in, second factor; off without it. See `PasskeyOptions`. */
  passkeys?: PasskeyOptions;
  /** API keys for scripts and integrations; off without it. See `ApiKeysOptions`. */
  apiKeys?: ApiKeysOptions;
  /** Sign-in by a mailed link; off without it. See `MagicLinkOptions`. */
  magicLink?: MagicLinkOptions;
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
  oidc: ResolvedOidcOptions;
  mfa: ResolvedMfaOptions;
  organizations: ResolvedOrganizationsOptions;
  passkeys: ResolvedPasskeyOptions;
  apiKeys: ResolvedApiKeysOptions;
  magicLink: ResolvedMagicLinkOptions;
  account: ResolvedAccountOptions;
  mail: ResolvedMailOptions;
  /** The app's sign-in steps (`signInSteps`), in order. */
  signInSteps: SignInStepInput[];
  adapters: AdapterOptions;
}

/** The top-level options of the ports. */
const ADAPTER_OPTION_KEYS: OptionKeys<AdapterOptions> = {
  userStore: true, credentialStore: true, identityStore: true, sessionStore: true, passwordHasher: true, loginThrottler: true, routeThrottle: true, mailer: true, oneTimeTokenStore: true,
};

/**
 * Every top-level option: the union of the keys each part declares next to its options (exhaustive by type: a
 * key of `AuthModuleOptions` that no part declares does not compile). Each part refuses unknown keys in its own
 * nested objects.
 */
const KNOWN_KEYS: OptionKeys<AuthModuleOptions> = {
  ...TOKEN_OPTION_KEYS, ...SESSION_OPTION_KEYS, ...REDIS_OPTION_KEYS, ...IDENTITY_OPTION_KEYS, ...ROLES_OPTION_KEYS, ...HTTP_TRANSPORT_OPTION_KEYS,
  ...ADAPTER_OPTION_KEYS, ...ACCOUNT_OPTION_KEYS, ...MAIL_OPTION_KEYS, ...THROTTLE_OPTION_KEYS, ...OAUTH_OPTION_KEYS, ...OIDC_OPTION_KEYS, ...MFA_OPTION_KEYS,
  ...ORGANIZATIONS_OPTION_KEYS, ...PASSKEY_OPTION_KEYS, ...SIGN_IN_OPTION_KEYS, ...API_KEYS_OPTION_KEYS, ...MAGIC_LINK_OPTION_KEYS,
};

/** What the kernel itself declares: the registration route limits (its features add theirs). */
const KERNEL_DECLARATIONS: FeatureDeclarations = { routeLimits: KERNEL_ROUTE_LIMITS, mailTemplates: {} };

/**
 * Applies defaults and validates options, feature by feature (the route limits and mail kinds are those the
 * kernel and `features` declare). Throws a `TypeError` naming the option, so a
 * misconfigured app refuses to start (unknown keys included: a typo is not silently ignored).
 */
export function resolveAuthOptions(options: AuthModuleOptions, features: readonly AuthFeature[] = BUILT_IN_FEATURES): ResolvedAuthOptions {
  if (!options || typeof options !== 'object') failOption('options', 'must be an object');
  const declared = gatherDeclarations(features, KERNEL_DECLARATIONS);
  rejectUnknownKeys(options, '', KNOWN_KEYS);
  rejectUnknownThrottleKeys(options.throttle, declared.routeLimits);
  const sessions = resolveSessionOptions(options);
  const http = resolveCookieOptions(options, sessions.refreshTokenTtlSeconds);
  const oauth = resolveOAuthOptions(options.oauth);
  const oidc = resolveOidcOptions(options.oidc, oauthSourceNames(oauth));
  if (http.refreshTokenTransport === 'body' && (oauthSourceNames(oauth).length > 0 || Object.keys(oidc).length > 0)) {
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
    routeLimits: resolveRouteLimits(options.throttle, declared.routeLimits),
    oauth,
    oidc,
    mfa: resolveMfaOptions(options.mfa),
    organizations: resolveOrganizationsOptions(options.organizations),
    passkeys: resolvePasskeyOptions(options.passkeys),
    apiKeys: resolveApiKeysOptions(options.apiKeys),
    magicLink: resolveMagicLinkOptions(options.magicLink),
    account: resolveAccountOptions(options),
    mail: resolveMailOptions(options, declared.mailTemplates),
    signInSteps: resolveSignInSteps(options),
    adapters: {
      userStore: options.userStore, credentialStore: options.credentialStore, identityStore: options.identityStore, sessionStore: options.sessionStore, passwordHasher: options.passwordHasher, loginThrottler: options.loginThrottler,
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
  [OIDC_OPTIONS, 'oidc'],
  [MFA_OPTIONS, 'mfa'],
  [ORGANIZATIONS_OPTIONS, 'organizations'],
  [PASSKEY_OPTIONS, 'passkeys'],
  [API_KEYS_OPTIONS, 'apiKeys'],
  [MAGIC_LINK_OPTIONS, 'magicLink'],
  [ACCOUNT_OPTIONS, 'account'],
  [MAIL_OPTIONS, 'mail'],
] as const satisfies ReadonlyArray<readonly [symbol, keyof ResolvedAuthOptions]>;
