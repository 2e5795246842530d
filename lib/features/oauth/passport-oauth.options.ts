import { OAUTH_SOURCE_NAME_PATTERN, RESERVED_SOURCE_NAMES } from '../../core/sign-in/oauth-sources';
import { failOption as fail, type OptionKeys, rejectUnknownKeys } from '../../core/options/options.validation';

/**
 * What the library needs of a passport OAuth 2.0 strategy instance (`passport-oauth2` and the strategies built on
 * it: `passport-google-oauth20`, `passport-github2`, ...). Structural, so that the library does not depend on them.
 */
export interface PassportOAuth2StrategyLike {
  name?: string;
  authenticate(req: unknown, options?: unknown): void;
}

/** A passport OAuth 2.0 strategy class, e.g. `Strategy` of `passport-google-oauth20`. */
export type PassportOAuth2StrategyClass = new (...args: never[]) => PassportOAuth2StrategyLike;

/**
 * The strategy's own options (`clientID`, `clientSecret`, `callbackURL`, `scope`, provider URLs...). The library
 * sets `pkce: true`, `store` (its own state store), `passReqToCallback: false` and `skipUserProfile: false`
 * over whatever is given.
 */
export interface PassportOAuth2StrategyOptions {
  clientID: string;
  clientSecret?: string;
  /** Absolute URL of `GET /<prefix>/<name>/callback` as the browser reaches it. */
  callbackURL: string;
  scope?: string | string[];
  authorizationURL?: string;
  tokenURL?: string;
  [option: string]: unknown;
}

/**
 * Who signed in, as a profile mapper tells it from the strategy's passport profile. `id` is the provider's
 * IMMUTABLE account id (never an email or a login name). The email counts as verified only when `emailVerified`
 * is exactly `true`: a mapper that says nothing about verification gives an unverified email, which is never
 * linked to an existing account and never claimed.
 */
export interface PassportProfileMapping {
  id: string | number;
  email?: string | null;
  emailVerified?: boolean;
  displayName?: string;
  username?: string;
}

/**
 * Maps a passport profile (`profile.id`, `profile.emails`, `profile._json`...) to `PassportProfileMapping`.
 * Default: `{ id: profile.id, email: profile.emails[0].value }`, unverified.
 */
export type PassportProfileMapper = (profile: never) => PassportProfileMapping;

/**
 * A passport OAuth 2.0 strategy used as a provider source under a name of the app's choosing
 * (`oauth.passport.<name>`): routes `GET /<prefix>/<name>`, `<name>/callback`, `<name>/link`. It runs through the
 * library's flow: state in the library's store (single use, bound to the browser by a cookie), PKCE S256, the
 * linking rules, the callback and cookies. Each module instantiates the strategy on its own `Passport` instance:
 * nothing is registered on the global `passport`. Identities are stored under the source's name, so a source
 * named `google` (with `oauth.google` left out) finds the users of the built-in Google provider.
 *
 * @example
 * ```ts
 * // GoogleStrategy: `Strategy` of passport-google-oauth20; googlePassportProfile: of nestjs-authkit/passport.
 * oauth: {
 *   passport: {
 *     google: {
 *       strategy: GoogleStrategy,
 *       options: { clientID, clientSecret, callbackURL: 'https://app.example.com/auth/google/callback', scope: ['openid', 'email', 'profile'] },
 *       profile: googlePassportProfile,
 *     },
 *   },
 * }
 * ```
 */
export interface PassportOAuthSource {
  strategy: PassportOAuth2StrategyClass;
  options: PassportOAuth2StrategyOptions;
  profile?: PassportProfileMapper;
}

/** A passport source after validation. */
export interface ResolvedPassportSource {
  name: string;
  strategy: PassportOAuth2StrategyClass;
  options: PassportOAuth2StrategyOptions;
  profile: (profile: unknown) => PassportProfileMapping;
}

/** A source name (declared in the kernel, with the names that are routes of the auth controllers). */
export { OAUTH_SOURCE_NAME_PATTERN } from '../../core/sign-in/oauth-sources';
const RESERVED_NAMES = RESERVED_SOURCE_NAMES;

/** `profile.id` and the first of `profile.emails`, unverified: what a mapper that says nothing gives. */
export function defaultPassportProfile(profile: unknown): PassportProfileMapping {
  const value = (profile ?? {}) as { id?: unknown; emails?: unknown; displayName?: unknown; username?: unknown };
  const first = Array.isArray(value.emails) ? (value.emails[0] as { value?: unknown } | undefined) : undefined;
  return {
    id: typeof value.id === 'number' || typeof value.id === 'string' ? value.id : '',
    email: typeof first?.value === 'string' ? first.value : null,
    displayName: typeof value.displayName === 'string' ? value.displayName : undefined,
    username: typeof value.username === 'string' ? value.username : undefined,
  };
}

function absoluteHttpUrl(value: unknown, option: string): void {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) fail(option, 'must be an absolute http(s) URL');
}

const SOURCE_KEYS: OptionKeys<PassportOAuthSource> = { strategy: true, options: true, profile: true };

/**
 * Validates `oauth.passport` (each source's name, class, options and mapper); throws a `TypeError` naming the
 * option. `builtIn` are the configured built-in providers: a source may not take one of their names.
 */
export function resolvePassportSources(raw: unknown, builtIn: readonly string[]): Record<string, ResolvedPassportSource> {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('oauth.passport', 'must be an object of named passport sources');
  const sources: Record<string, ResolvedPassportSource> = {};
  for (const [name, given] of Object.entries(raw as Record<string, unknown>)) {
    const at = `oauth.passport.${name}`;
    if (!OAUTH_SOURCE_NAME_PATTERN.test(name) || RESERVED_NAMES.has(name)) {
      fail(at, 'has an invalid name: lower-case letters, digits and "-", starting with a letter, at most 32, not a route of the auth controller');
    }
    if (builtIn.includes(name)) fail(at, `clashes with the built-in provider oauth.${name}; configure one of them`);
    if (!given || typeof given !== 'object') fail(at, 'must be an object with strategy, options and profile');
    rejectUnknownKeys(given, at, SOURCE_KEYS);
    const source = given as Partial<PassportOAuthSource>;
    if (typeof source.strategy !== 'function') fail(`${at}.strategy`, 'must be a passport OAuth 2.0 strategy class');
    const options = source.options;
    if (!options || typeof options !== 'object') fail(`${at}.options`, 'must be the strategy options object');
    if (typeof options.clientID !== 'string' || options.clientID === '') fail(`${at}.options.clientID`, 'must be a non-empty string');
    absoluteHttpUrl(options.callbackURL, `${at}.options.callbackURL`);
    for (const key of ['authorizationURL', 'tokenURL'] as const) {
      if (options[key] !== undefined) absoluteHttpUrl(options[key], `${at}.options.${key}`);
    }
    if (source.profile !== undefined && typeof source.profile !== 'function') fail(`${at}.profile`, 'must be a function (passport profile) => mapping');
    sources[name] = {
      name,
      strategy: source.strategy,
      options: { ...options },
      profile: (source.profile as ((profile: unknown) => PassportProfileMapping) | undefined) ?? defaultPassportProfile,
    };
  }
  return sources;
}
