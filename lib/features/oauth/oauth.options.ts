import { failOption as fail, type OptionKeys, positiveInteger, rejectUnknownKeys } from '../../core/options/options.validation';
import { type PassportOAuthSource, type ResolvedPassportSource, resolvePassportSources } from './passport-oauth.options';

/** The OAuth providers the library knows. */
export const OAUTH_PROVIDERS = ['google', 'github'] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDERS)[number];

/** Settings shared by every provider. URLs are absolute `http(s)` URLs. */
export interface OAuthProviderOptions {
  clientId: string;
  clientSecret: string;
  /**
   * The `redirect_uri` registered with the provider: the absolute URL of
   * `GET /<prefix>/<provider>/callback` as the browser reaches it, e.g. `https://app.example.com/auth/google/callback`.
   */
  callbackUrl: string;
  /** Scopes to request. Defaults: Google `openid email profile`, GitHub `read:user user:email`. */
  scope?: string[];
  /** Authorization endpoint (the page the browser is sent to). */
  authorizationUrl?: string;
  /** Token endpoint (code -> access token). */
  tokenUrl?: string;
}

/** Google (OpenID Connect userinfo). */
export interface GoogleOAuthOptions extends OAuthProviderOptions {
  /** Default `https://openidconnect.googleapis.com/v1/userinfo`. */
  userInfoUrl?: string;
}

/** GitHub or GitHub Enterprise Server (`https://HOST/login/oauth/...` and `apiUrl: 'https://HOST/api/v3'`). */
export interface GitHubOAuthOptions extends OAuthProviderOptions {
  /** REST API base; `/user` and `/user/emails` are read from it. Default `https://api.github.com`. */
  apiUrl?: string;
}

/**
 * What happens when a provider identity signs in for the first time and the provider-VERIFIED email
 * belongs to an existing user:
 * - `'verified-email'` (default): the identity is linked to that user. If that user's own email was
 *   never verified (a self-registered password account), its password is invalidated and all its
 *   sessions are revoked first (pre-account-takeover defence).
 * - `'never'`: the sign-in is refused (`oauth_account_exists`); the user can sign in another way and
 *   link the provider from their account.
 */
export type OAuthLinkingPolicy = 'verified-email' | 'never';

/**
 * A first sign-in whose email the provider has NOT verified (or which has no email):
 * - `'create-without-email'` (default): a new user is created that does not claim the email.
 * - `'refuse'`: the sign-in fails with `oauth_email_unverified`.
 * Such an identity is never linked to an existing user.
 */
export type OAuthUnverifiedEmailPolicy = 'create-without-email' | 'refuse';

/**
 * OAuth sign-in (`oauth` in `AuthModuleOptions`). A provider left out has no routes (404).
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   jwt: { secret },
 *   oauth: {
 *     google: { clientId, clientSecret, callbackUrl: 'https://app.example.com/auth/google/callback' },
 *     successRedirect: 'https://app.example.com/',
 *     failureRedirect: 'https://app.example.com/login',
 *   },
 * });
 * ```
 */
export interface OAuthOptions {
  /** The built-in Google provider (the default choice: hardened, any HTTP adapter). */
  google?: GoogleOAuthOptions;
  /** The built-in GitHub provider. */
  github?: GitHubOAuthOptions;
  /**
   * Passport OAuth 2.0 strategies as provider sources, by a name of the app's choosing (`GET /<prefix>/<name>`...).
   * See `PassportOAuthSource` and the README (when to choose them over the built-in providers).
   */
  passport?: Record<string, PassportOAuthSource>;
  /** Where the browser goes after a successful callback (the refresh cookie is set). Default `/`. */
  successRedirect?: string;
  /** Where the browser goes after a failed callback, with `?error=<code>`. Default: none, a JSON error (401...) instead. */
  failureRedirect?: string;
  linking?: OAuthLinkingPolicy;
  unverifiedEmail?: OAuthUnverifiedEmailPolicy;
  /** Lifetime of a pending authorization (state + PKCE verifier). Default 600, at most 600. */
  stateTtlSeconds?: number;
  /** Timeout of each request to the provider (token, profile). Default 5000. */
  providerTimeoutMs?: number;
  /**
   * `GET /<prefix>/<provider>/link` needs a recent authentication: the session's login (password or OAuth sign-in;
   * refreshing it does not count) at most this many seconds ago, else 401 `reauthentication_required`. Default 300.
   */
  linkMaxAuthAgeSeconds?: number;
}

/** A provider's settings after defaults; every URL is filled in. */
export interface ResolvedOAuthProvider {
  name: OAuthProviderName;
  clientId: string;
  clientSecret: string;
  callbackUrl: string;
  scope: string[];
  authorizationUrl: string;
  tokenUrl: string;
  /** Google: the userinfo URL. GitHub: the API base URL (no trailing slash). */
  profileUrl: string;
}

/** `oauth` after defaults and validation. `providers` holds only the configured built-in providers. */
export interface ResolvedOAuthOptions {
  providers: Partial<Record<OAuthProviderName, ResolvedOAuthProvider>>;
  /** The passport sources, by name. */
  passport: Record<string, ResolvedPassportSource>;
  successRedirect: string;
  failureRedirect?: string;
  linking: OAuthLinkingPolicy;
  unverifiedEmail: OAuthUnverifiedEmailPolicy;
  stateTtlSeconds: number;
  providerTimeoutMs: number;
  linkMaxAuthAgeSeconds: number;
}

/** Upper bound of `stateTtlSeconds`: a pending authorization never outlives 10 minutes. */
export const MAX_OAUTH_STATE_TTL_SECONDS = 600;

const DEFAULTS: Record<OAuthProviderName, { authorizationUrl: string; tokenUrl: string; profileUrl: string; scope: string[] }> = {
  google: {
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    profileUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    scope: ['openid', 'email', 'profile'],
  },
  github: {
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    profileUrl: 'https://api.github.com',
    scope: ['read:user', 'user:email'],
  },
};

function httpUrl(value: unknown, option: string): string {
  if (typeof value !== 'string' || value === '') fail(option, 'must be an absolute http(s) URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(option, `must be an absolute http(s) URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(option, 'must be an http(s) URL');
  if (url.username || url.password) fail(option, 'must not carry credentials');
  return value;
}

/** An absolute http(s) URL, or a path on this site (`/...`, not `//...`). */
function redirectTarget(value: unknown, option: string, fallback?: string): string | undefined {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\')) return value;
  return httpUrl(value, option);
}

function nonEmptyString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(option, 'must be a non-empty string');
  return value;
}

/** The top-level option the OAuth feature owns. */
export const OAUTH_OPTION_KEYS: OptionKeys<{ oauth?: OAuthOptions }> = { oauth: true };
const OAUTH_KEYS: OptionKeys<OAuthOptions> = {
  google: true, github: true, passport: true, successRedirect: true, failureRedirect: true, linking: true, unverifiedEmail: true,
  stateTtlSeconds: true, providerTimeoutMs: true, linkMaxAuthAgeSeconds: true,
};
const PROVIDER_KEYS = { clientId: true, clientSecret: true, callbackUrl: true, scope: true, authorizationUrl: true, tokenUrl: true } as const;
const PROVIDERS_KEYS: { readonly [P in OAuthProviderName]: OptionKeys<Required<OAuthOptions>[P]> } = {
  google: { ...PROVIDER_KEYS, userInfoUrl: true },
  github: { ...PROVIDER_KEYS, apiUrl: true },
};

function resolveProvider(name: OAuthProviderName, raw: unknown): ResolvedOAuthProvider | undefined {
  if (raw === undefined) return undefined;
  const at = `oauth.${name}`;
  if (!raw || typeof raw !== 'object') fail(at, 'must be an object with clientId, clientSecret and callbackUrl');
  rejectUnknownKeys(raw, at, PROVIDERS_KEYS[name]);
  const given = raw as GoogleOAuthOptions & GitHubOAuthOptions;
  const defaults = DEFAULTS[name];
  const scope = given.scope ?? defaults.scope;
  if (!Array.isArray(scope) || scope.some((s) => typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
    fail(`${at}.scope`, 'must be an array of scope tokens');
  }
  const profileKey = name === 'google' ? 'userInfoUrl' : 'apiUrl';
  const profileUrl = name === 'google' ? given.userInfoUrl : given.apiUrl;
  return {
    name,
    clientId: nonEmptyString(given.clientId, `${at}.clientId`),
    clientSecret: nonEmptyString(given.clientSecret, `${at}.clientSecret`),
    callbackUrl: httpUrl(given.callbackUrl, `${at}.callbackUrl`),
    scope: [...scope],
    authorizationUrl: httpUrl(given.authorizationUrl ?? defaults.authorizationUrl, `${at}.authorizationUrl`),
    tokenUrl: httpUrl(given.tokenUrl ?? defaults.tokenUrl, `${at}.tokenUrl`),
    profileUrl: httpUrl(profileUrl ?? defaults.profileUrl, `${at}.${profileKey}`).replace(/\/+$/, ''),
  };
}

/** Applies defaults to `oauth` and validates it; throws a `TypeError` naming the option. */
export function resolveOAuthOptions(options: OAuthOptions | undefined): ResolvedOAuthOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) fail('oauth', 'must be an object');
  rejectUnknownKeys(options, 'oauth', OAUTH_KEYS);
  const given = options ?? {};
  const providers: ResolvedOAuthOptions['providers'] = {};
  for (const name of OAUTH_PROVIDERS) {
    const provider = resolveProvider(name, given[name]);
    if (provider) providers[name] = provider;
  }
  const passport = resolvePassportSources(given.passport, Object.keys(providers));
  const linking = given.linking ?? 'verified-email';
  if (linking !== 'verified-email' && linking !== 'never') {
    fail('oauth.linking', `must be 'verified-email' or 'never' (got ${JSON.stringify(linking)})`);
  }
  const unverifiedEmail = given.unverifiedEmail ?? 'create-without-email';
  if (unverifiedEmail !== 'create-without-email' && unverifiedEmail !== 'refuse') {
    fail('oauth.unverifiedEmail', `must be 'create-without-email' or 'refuse' (got ${JSON.stringify(unverifiedEmail)})`);
  }
  const stateTtlSeconds = given.stateTtlSeconds ?? MAX_OAUTH_STATE_TTL_SECONDS;
  if (!Number.isSafeInteger(stateTtlSeconds) || stateTtlSeconds <= 0 || stateTtlSeconds > MAX_OAUTH_STATE_TTL_SECONDS) {
    fail('oauth.stateTtlSeconds', `must be an integer from 1 to ${MAX_OAUTH_STATE_TTL_SECONDS}`);
  }
  const providerTimeoutMs = given.providerTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(providerTimeoutMs) || providerTimeoutMs <= 0) fail('oauth.providerTimeoutMs', 'must be a positive integer');
  const linkMaxAuthAgeSeconds = positiveInteger(given.linkMaxAuthAgeSeconds, 'oauth.linkMaxAuthAgeSeconds', 300);
  return {
    providers,
    passport,
    successRedirect: redirectTarget(given.successRedirect, 'oauth.successRedirect', '/') as string,
    failureRedirect: redirectTarget(given.failureRedirect, 'oauth.failureRedirect'),
    linking,
    unverifiedEmail,
    stateTtlSeconds,
    providerTimeoutMs,
    linkMaxAuthAgeSeconds,
  };
}

/** Injection token of `ResolvedOAuthOptions`. */
export const OAUTH_OPTIONS = Symbol('authkit:oauth-options');

/** The names of every configured source (built-in providers and passport sources). */
export function oauthSourceNames(options: Pick<ResolvedOAuthOptions, 'providers' | 'passport'>): string[] {
  return [...Object.keys(options.providers ?? {}), ...Object.keys(options.passport ?? {})];
}
