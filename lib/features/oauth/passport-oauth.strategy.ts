import { Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Authenticator, Strategy as PassportStrategy } from 'passport';
import { providerEmail, providerText } from './oauth-email';
import type { OAuthProfile } from './oauth-profile';
import type { OAuthAuthorizationStart, OAuthStrategy } from './oauth-strategy.interface';
import { OAuthCodeRejectedError, OAuthProviderError, OAuthProviderUnavailableError } from './oauth.errors';
import type { PassportProfileMapping, ResolvedPassportSource } from './passport-oauth.options';
import { guardOAuth2Transport, type NodeOAuth2Like, type PassportCall } from './passport-oauth2.transport';
import { pkceChallenge, RANDOM_TOKEN_PATTERN, randomToken } from './pkce';

/** What one run of the strategy carries: the state it must use, and the PKCE verifier (given, or captured). */
interface RunContext {
  state: string;
  codeVerifier?: string;
}

/** The request a strategy sees: never the app's real request (nothing of passport's lands on it). */
interface DetachedRequest {
  method: 'GET';
  url: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, never>;
  authkit: RunContext;
}

/** passport-oauth2's verify callback of arity 4 (tokens are not kept). */
type VerifyCallback = (accessToken: string, refreshToken: string, profile: unknown, done: (error: unknown, user?: OAuthProfile | false) => void) => void;

type Outcome =
  | { kind: 'redirect'; url: string }
  | { kind: 'success'; profile: OAuthProfile }
  | { kind: 'error'; error: unknown }
  | { kind: 'fail' };

/**
 * The strategy's state store (`options.store`), a bridge to the library's flow rather than a store: the state and
 * the verifier are kept by `OAuthService` in the `OAuthStateStore`. `store` has FIVE parameters, so that
 * passport-oauth2 hands it the PKCE verifier it generated (with fewer it silently passes none); `verify` gives the
 * verifier of the state `OAuthService` already consumed and checked.
 */
class StateBridge {
  store(req: DetachedRequest, verifier: string, _appState: unknown, _meta: unknown, callback: (error: unknown, state?: string) => void): void {
    req.authkit.codeVerifier = verifier;
    callback(null, req.authkit.state);
  }

  verify(req: DetachedRequest, state: string, callback: (error: unknown, verifier?: string | false, info?: unknown) => void): void {
    const { codeVerifier } = req.authkit;
    if (state !== req.authkit.state || !codeVerifier) return callback(null, false, { message: 'state mismatch' });
    callback(null, codeVerifier);
  }
}

/**
 * `passport` is an optional peer: loaded only when a passport source is configured, so that apps without passport
 * sources need not install it.
 */
function loadPassport(name: string): new () => Authenticator {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('passport') as { Passport: new () => Authenticator }).Passport;
  } catch (cause) {
    throw new TypeError(`nestjs-authkit: option "oauth.passport.${name}" needs the package "passport" (npm install passport)`, { cause });
  }
}

/** The strategy's error names (passport-oauth2 `TokenError`, `AuthorizationError`) -> the library's errors. */
function libraryError(error: unknown): Error {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TokenError') return new OAuthCodeRejectedError();
  if (name === 'AuthorizationError') return new OAuthProviderError();
  return new OAuthProviderUnavailableError({ cause: error });
}

/**
 * A passport OAuth 2.0 strategy driven as an `OAuthStrategy` (see `PassportOAuthSource`). The strategy is
 * instantiated once, with `pkce: true` and `StateBridge` as its store, on a `Passport` instance of its own, and its
 * HTTP transport is replaced (`guardOAuth2Transport`: timeouts, size cap, junk bodies turned into errors). Each
 * step runs `passport.authenticate(name)` on a detached request:
 * - `authorize(state)`: the strategy builds the provider URL with our `state` and its S256 challenge; the URL is
 *   checked (state, S256, challenge of the captured verifier) before it is used;
 * - `signIn(code, verifier)`: the strategy exchanges the code with the verifier (from our consumed state), loads its
 *   profile, and the profile mapper says who signed in and whether the email is verified.
 */
export class PassportOAuthStrategy implements OAuthStrategy {
  private readonly passport: Authenticator;
  private readonly calls = new AsyncLocalStorage<PassportCall>();
  private readonly logger = new Logger('AuthKit');

  constructor(readonly name: string, private readonly source: ResolvedPassportSource, private readonly timeoutMs: number) {
    this.passport = new (loadPassport(name))();
    const verify: VerifyCallback = (_accessToken, _refreshToken, profile, done) => {
      let mapped: OAuthProfile;
      try {
        mapped = this.toProfile(source.profile(profile));
      } catch (error) {
        return done(error);
      }
      done(null, mapped);
    };
    const options = { ...source.options, pkce: true, store: new StateBridge(), passReqToCallback: false, skipUserProfile: false };
    const Strategy = source.strategy as unknown as new (options: object, verify: VerifyCallback) => { _oauth2?: NodeOAuth2Like; authenticate: unknown };
    const strategy = new Strategy(options, verify);
    if (!strategy._oauth2 || typeof strategy._oauth2._request !== 'function' || typeof strategy.authenticate !== 'function') {
      throw new TypeError(`nestjs-authkit: option "oauth.passport.${name}.strategy" must be a passport-oauth2 based strategy`);
    }
    guardOAuth2Transport(strategy._oauth2, timeoutMs, this.calls);
    this.passport.use(name, strategy as unknown as PassportStrategy);
  }

  async authorize(state: string): Promise<OAuthAuthorizationStart> {
    const context: RunContext = { state };
    const outcome = await this.run({}, context);
    if (outcome.kind !== 'redirect') throw this.failure(outcome);
    const verifier = context.codeVerifier;
    let url: URL | undefined;
    try {
      url = new URL(outcome.url);
    } catch {
      url = undefined;
    }
    const params = url?.searchParams;
    if (
      !url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !verifier || !RANDOM_TOKEN_PATTERN.test(verifier) ||
      params?.get('state') !== state || params.get('code_challenge_method') !== 'S256' || params.get('code_challenge') !== pkceChallenge(verifier)
    ) {
      this.logger.error(`OAuth source ${this.name}: the passport strategy did not build an authorization URL with our state and an S256 challenge`);
      throw new OAuthProviderUnavailableError();
    }
    return { url: url.toString(), codeVerifier: verifier };
  }

  async signIn(code: string, codeVerifier: string): Promise<OAuthProfile> {
    const state = randomToken();
    const outcome = await this.run({ code, state }, { state, codeVerifier });
    if (outcome.kind !== 'success') throw this.failure(outcome);
    return outcome.profile;
  }

  private failure(outcome: Outcome): Error {
    if (outcome.kind === 'error') return libraryError(outcome.error);
    return new OAuthProviderUnavailableError();
  }

  /** `passport.authenticate(name)` on a detached request; settles once, whatever the strategy does (or throws). */
  private run(query: Record<string, string>, context: RunContext): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      // A strategy that never calls back (none of its requests can outlive timeoutMs each) still ends.
      const timer = setTimeout(() => settle({ kind: 'error', error: new Error('passport strategy did not finish') }), this.timeoutMs * 3);
      timer.unref();
      const req: DetachedRequest = { method: 'GET', url: '/', headers: {}, query, body: {}, authkit: context };
      let location = '';
      const res = {
        statusCode: 200,
        setHeader(name: string, value: string) {
          if (name.toLowerCase() === 'location') location = String(value);
        },
        end() {
          settle(location ? { kind: 'redirect', url: location } : { kind: 'fail' });
        },
      };
      const call: PassportCall = { fail: (error) => settle({ kind: 'error', error }) };
      this.calls.run(call, () => {
        try {
          const middleware = this.passport.authenticate(this.name, { session: false }, (error: unknown, user: unknown) => {
            if (error) return settle({ kind: 'error', error });
            settle(user ? { kind: 'success', profile: user as OAuthProfile } : { kind: 'fail' });
          }) as (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
          middleware(req, res, (error?: unknown) => settle(error ? { kind: 'error', error } : { kind: 'fail' }));
        } catch (error) {
          settle({ kind: 'error', error });
        }
      });
    });
  }

  /** The mapper's answer -> `OAuthProfile`; the email is verified only on an explicit `emailVerified: true`. */
  private toProfile(mapping: PassportProfileMapping): OAuthProfile {
    const rawId = mapping?.id;
    const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? String(rawId) : rawId;
    if (typeof id !== 'string' || id.length === 0 || id.length > 255) {
      throw new Error(`the profile mapper of OAuth source ${this.name} gave no usable id`);
    }
    const email = providerEmail(mapping.email);
    return {
      provider: this.name,
      providerUserId: id,
      email,
      emailVerified: email !== null && mapping.emailVerified === true,
      displayName: providerText(mapping.displayName),
      username: providerText(mapping.username, 100),
    };
  }
}
