import type { Type } from '@nestjs/common';
import { booleanOption, failOption, objectOption, type OptionKeys, ownedObject, positiveInteger } from './options.validation';
import { type AppClaims, checkClaimName, DEFAULT_MAX_CLAIMS_BYTES } from '../tokens/app-claims';
import type { AuthHooks } from '../sign-in/auth-hooks';
import type { AuthUser } from '../ports/user-store.interface';

/** Computes an app's extra access-token claims for a user (at login, registration and every refresh). */
export type ClaimsFunction = (user: AuthUser) => AppClaims | Promise<AppClaims>;

/** The `claims` option in full: the names are checked at start-up (reserved names refused). */
export interface ClaimsOptions {
  /** Every claim name `resolve` may return. */
  names: string[];
  resolve: ClaimsFunction;
  /** Cap on the claims' JSON size. Default 1024 bytes. */
  maxBytes?: number;
}

/** A route that mails a link: `url` is the page of your front end that receives `?token=`. */
export interface MailedTokenOptions {
  /** The routes are on when `url` is set, unless `enabled: false`. */
  enabled?: boolean;
  /**
   * Absolute http(s) URL of your page; the mail links to `url?token=<token>` (or `&token=` when it has a query).
   * `http:` is refused when `NODE_ENV` is `production`, except on localhost.
   */
  url?: string;
  /** Lifetime of a token. Its limits per ip and per email are `throttle.passwordForgot` / `throttle.emailVerification`. */
  ttlSeconds?: number;
}

/** The module options of the account lifecycle: verification, reset, change, deletion, admin, hooks, claims. */
export interface AccountOptions {
  /**
   * A password account whose email is not verified holds no session: login answers 403 `email_unverified` (after
   * the password check), registration 201 `{ status: 'verification_required', user }` without tokens, and a refresh
   * of such an account's session (one from before the option) ends it with 403 `email_unverified`. Default false.
   */
  requireVerifiedEmail?: boolean;
  /** `POST /auth/password/forgot` and `/password/reset`. Token TTL default 30 min. */
  passwordReset?: MailedTokenOptions;
  /** `POST /auth/email/verify/request` and `/email/verify`. Token TTL default 24 h. `sendOnRegister` (default true when on) mails a link at registration. */
  emailVerification?: MailedTokenOptions & { sendOnRegister?: boolean };
  /** `POST /auth/password/change`. On by default. Other sessions end unless `revokeSessionsOnPasswordChange: false`. */
  /**
   * `POST /auth/password/change` (`enabled`, default true), and `notify` (default true): after a password change
   * or reset, mail the account a `password_changed` notice that says what to do if it was not them.
   */
  passwordChange?: { enabled?: boolean; notify?: boolean };
  /**
   * `DELETE /auth/account`. On by default. Needs the password; an account without one (OAuth only) needs a
   * session started within `recentLoginSeconds` (default 300).
   */
  accountDeletion?: { enabled?: boolean; recentLoginSeconds?: number };
  /**
   * How recent a sign-in (or `POST /auth/reauthenticate`) must be for the library's sensitive routes (change password,
   * delete account, disable MFA, regenerate recovery codes) and for `@RequireRecentAuth()` without `maxAgeSeconds`,
   * else 401 `reauthentication_required`. Default 900 (15 min).
   */
  recentAuthSeconds?: number;
  /** Hooks that can refuse registration, login and OAuth linking. */
  hooks?: AuthHooks;
  /** Extra access-token claims (a function, or `{ names, resolve, maxBytes }`). They reach `@CurrentUser().claims`. */
  claims?: ClaimsFunction | ClaimsOptions;
  /**
   * A class-validator DTO of extra registration fields (beyond `email` and `password`): validated (unknown
   * fields refused) and passed to `UserStore.create` as `profile`.
   */
  registrationFields?: Type<object>;
}

export interface ResolvedMailedToken {
  enabled: boolean;
  url: string | null;
  ttlSeconds: number;
}

/** The account options after defaults and validation (injected as `ACCOUNT_OPTIONS`). */
export interface ResolvedAccountOptions {
  requireVerifiedEmail: boolean;
  passwordReset: ResolvedMailedToken;
  emailVerification: ResolvedMailedToken & { sendOnRegister: boolean };
  passwordChange: { enabled: boolean; notify: boolean };
  accountDeletion: { enabled: boolean; recentLoginSeconds: number };
  recentAuthSeconds: number;
  hooks: AuthHooks;
  claims: { resolve: ClaimsFunction; names: ReadonlySet<string> | null; maxBytes: number } | null;
  registrationFields: Type<object> | null;
}

/** Injection token of `ResolvedAccountOptions`. */
export const ACCOUNT_OPTIONS = Symbol('authkit:account-options');

const MINUTE = 60;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The top-level options of the account lifecycle. */
export const ACCOUNT_OPTION_KEYS: OptionKeys<AccountOptions> = {
  requireVerifiedEmail: true, passwordReset: true, emailVerification: true, passwordChange: true, accountDeletion: true, hooks: true, claims: true,
  registrationFields: true, recentAuthSeconds: true,
};
const MAILED_TOKEN_KEYS: OptionKeys<MailedTokenOptions> = { enabled: true, url: true, ttlSeconds: true };
const VERIFICATION_KEYS: OptionKeys<NonNullable<AccountOptions['emailVerification']>> = { ...MAILED_TOKEN_KEYS, sendOnRegister: true };
const PASSWORD_CHANGE_KEYS: OptionKeys<NonNullable<AccountOptions['passwordChange']>> = { enabled: true, notify: true };
const DELETION_KEYS: OptionKeys<NonNullable<AccountOptions['accountDeletion']>> = { enabled: true, recentLoginSeconds: true };
const HOOK_KEYS: OptionKeys<AuthHooks> = { beforeRegister: true, beforeLogin: true, beforeOAuthLink: true };
const CLAIMS_KEYS: OptionKeys<ClaimsOptions> = { names: true, resolve: true, maxBytes: true };

export function resolveMailedToken(given: MailedTokenOptions | undefined, option: string, defaultTtlSeconds: number): ResolvedMailedToken {
  const value = ownedObject(given, option, MAILED_TOKEN_KEYS) ?? {};
  if (value.url !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = typeof value.url === 'string' ? new URL(value.url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.hash) {
      failOption(`${option}.url`, 'must be an absolute http(s) URL without a #fragment');
    }
    // A link that carries a one-time token must not travel in clear in production (a local front end may).
    if (parsed.protocol === 'http:' && process.env.NODE_ENV === 'production' && !LOOPBACK_HOSTS.has(parsed.hostname)) {
      failOption(`${option}.url`, 'must be an https: URL when NODE_ENV is production (http: only on localhost): the link carries a one-time token');
    }
  }
  const enabled = booleanOption(value.enabled, `${option}.enabled`, value.url !== undefined);
  if (enabled && value.url === undefined) failOption(`${option}.url`, 'is required when the routes are enabled (the page the mailed link opens)');
  return {
    enabled,
    url: value.url ?? null,
    ttlSeconds: positiveInteger(value.ttlSeconds, `${option}.ttlSeconds`, defaultTtlSeconds),
  };
}

function resolveClaims(claims: AccountOptions['claims']): ResolvedAccountOptions['claims'] {
  if (claims === undefined) return null;
  if (typeof claims === 'function') return { resolve: claims, names: null, maxBytes: DEFAULT_MAX_CLAIMS_BYTES };
  const value = ownedObject(claims, 'claims', CLAIMS_KEYS) as ClaimsOptions;
  if (typeof value.resolve !== 'function') failOption('claims.resolve', 'must be a function (user) => claims');
  if (!Array.isArray(value.names)) failOption('claims.names', 'must be an array of claim names');
  for (const name of value.names) {
    if (typeof name !== 'string') failOption('claims.names', 'must be an array of claim names');
    checkClaimName(name, 'claims.names');
  }
  return {
    resolve: value.resolve,
    names: new Set(value.names),
    maxBytes: positiveInteger(value.maxBytes, 'claims.maxBytes', DEFAULT_MAX_CLAIMS_BYTES),
  };
}

/** Applies defaults to the account options and validates them; throws a `TypeError` naming the option. */
export function resolveAccountOptions(options: AccountOptions): ResolvedAccountOptions {
  const verification = ownedObject(options.emailVerification, 'emailVerification', VERIFICATION_KEYS);
  const deletion = ownedObject(options.accountDeletion, 'accountDeletion', DELETION_KEYS) ?? {};
  const hooks = ownedObject(options.hooks, 'hooks', HOOK_KEYS) ?? {};
  for (const [name, hook] of Object.entries(hooks)) {
    if (typeof hook !== 'function') failOption(`hooks.${name}`, 'must be a function');
  }
  if (options.registrationFields !== undefined && typeof options.registrationFields !== 'function') {
    failOption('registrationFields', 'must be a class (a class-validator DTO)');
  }
  const emailVerification = resolveMailedToken(
    verification === undefined ? undefined : { enabled: verification.enabled, url: verification.url, ttlSeconds: verification.ttlSeconds },
    'emailVerification', 24 * 60 * MINUTE,
  );
  return {
    requireVerifiedEmail: booleanOption(options.requireVerifiedEmail, 'requireVerifiedEmail', false),
    passwordReset: resolveMailedToken(options.passwordReset, 'passwordReset', 30 * MINUTE),
    emailVerification: {
      ...emailVerification,
      sendOnRegister: booleanOption(verification?.sendOnRegister, 'emailVerification.sendOnRegister', emailVerification.enabled),
    },
    passwordChange: {
      enabled: booleanOption(ownedObject(options.passwordChange, 'passwordChange', PASSWORD_CHANGE_KEYS)?.enabled, 'passwordChange.enabled', true),
      notify: booleanOption(options.passwordChange?.notify, 'passwordChange.notify', true),
    },
    accountDeletion: {
      enabled: booleanOption(deletion.enabled, 'accountDeletion.enabled', true),
      recentLoginSeconds: positiveInteger(deletion.recentLoginSeconds, 'accountDeletion.recentLoginSeconds', 300),
    },
    recentAuthSeconds: positiveInteger(options.recentAuthSeconds, 'recentAuthSeconds', 15 * MINUTE),
    hooks: { ...hooks },
    claims: resolveClaims(options.claims),
    registrationFields: options.registrationFields ?? null,
  };
}
