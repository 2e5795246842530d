import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { SessionRevokedError } from '../../core/errors/auth.errors';
import { KernelEvent } from '../../core/events/auth-event.names';
import { AuthService } from '../../core/sign-in/auth.service';
import type { AuthenticatedUser, ClientInfo, TokenPair } from '../../core/auth.types';
import { type OAuthLoginOutcome, OAuthIdentityResolver } from './oauth-identity.service';
import { SessionStore } from '../../core/ports/session-store.interface';
import { UserStore } from '../../core/ports/user-store.interface';
import type { OAuthProfile } from './oauth-profile';
import { OAuthStateStore } from './oauth-state-store.interface';
import { OAUTH_STRATEGIES, type OAuthStrategy } from './oauth-strategy.interface';
import {
  OAuthAccessDeniedError, OAuthLinkEmailUnverifiedError, OAuthProviderError, OAuthProviderNotConfiguredError, OAuthProviderUnavailableError,
  OAuthStateInvalidError, ReauthenticationRequiredError,
} from './oauth.errors';
import { OAUTH_OPTIONS, type ResolvedOAuthOptions } from './oauth.options';
import { RANDOM_TOKEN_PATTERN, randomToken, safeEqual, sha256 } from './pkce';
import { clientIpKey } from '../../core/throttling/client-ip';
import { MemoryRouteThrottle } from '../../adapters/memory/memory-route.throttle';
import { RouteThrottle } from '../../core/ports/route-throttle.interface';
import { type ResolvedRouteLimits, resolveRouteLimits, ROUTE_LIMITS } from '../../core/throttling/throttle.options';
import { throttleRoute } from '../../core/throttling/throttled-route';
import { OAUTH_ROUTE_LIMITS } from './oauth.route-limits';

const MAX_CODE_LENGTH = 2048;

/** A started authorization: where to send the browser, and the secret for its state-binding cookie. */
export interface OAuthAuthorization {
  authorizationUrl: string;
  /** The `state` sent to the provider (it names the binding cookie). */
  state: string;
  /** Goes into the httpOnly state-binding cookie; the server keeps only its hash. */
  bindingSecret: string;
  ttlSeconds: number;
}

/** What the provider's redirect brought back, plus the state-binding cookie. Values are untrusted. */
export interface OAuthCallbackInput {
  state?: unknown;
  code?: unknown;
  error?: unknown;
  bindingSecret?: string;
}

/** A successful callback: a new session (`login`) or an identity added to the signed-in user (`link`). */
export type OAuthCallbackResult =
  | { purpose: 'login'; tokens: TokenPair; outcome: OAuthLoginOutcome }
  | { purpose: 'link'; userId: string };

/**
 * The authorization-code flow with PKCE, independent of HTTP: `begin` stores a single-use state
 * (with the PKCE verifier and the hash of a browser-binding secret) and returns the provider URL;
 * `complete` consumes the state, checks the binding, exchanges the code with the verifier, reads the
 * profile and resolves it to a user (`OAuthIdentityResolver`), then starts a session.
 */
@Injectable()
export class OAuthService {
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(OAUTH_STRATEGIES) private readonly strategies: ReadonlyMap<string, OAuthStrategy>,
    @Inject(OAuthStateStore) private readonly states: OAuthStateStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(OAUTH_OPTIONS) private readonly options: Pick<ResolvedOAuthOptions, 'stateTtlSeconds' | 'linkMaxAuthAgeSeconds'>,
    @Inject(UserStore) private readonly users: UserStore,
    private readonly identities: OAuthIdentityResolver,
    private readonly auth: AuthService,
    @Optional() @Inject(RouteThrottle) routeThrottle?: RouteThrottle | null,
    @Optional() @Inject(ROUTE_LIMITS) routeLimits?: ResolvedRouteLimits,
  ) {
    this.routeThrottle = routeThrottle ?? new MemoryRouteThrottle();
    this.routeLimits = routeLimits ?? resolveRouteLimits(undefined, OAUTH_ROUTE_LIMITS);
  }

  private readonly routeThrottle: RouteThrottle;
  private readonly routeLimits: ResolvedRouteLimits;

  /** Whether `provider` names a configured source (built-in or passport). */
  isConfigured(provider: string): boolean {
    return this.strategies.has(provider);
  }

  /**
   * Starts a sign-in, or (with `principal`) the linking of a provider to that signed-in session, which needs a
   * recent login (`assertMayLink`). Throttled per client ip (`throttle.oauthStart`, `TooManyRequestsError`)
   * before any state is stored.
   */
  async begin(provider: string, principal?: AuthenticatedUser, client: ClientInfo = {}): Promise<OAuthAuthorization> {
    const strategy = this.strategy(provider);
    await throttleRoute(this.routeThrottle, this.routeLimits, 'oauthStart', { ip: clientIpKey(client.ip) });
    if (principal) await this.assertMayLink(principal);
    const state = randomToken();
    const { url: authorizationUrl, codeVerifier } = await strategy.authorize(state);
    const bindingSecret = randomToken();
    const ttlSeconds = this.options.stateTtlSeconds;
    await this.states.save(
      state,
      {
        provider,
        codeVerifier,
        bindingHash: sha256(bindingSecret),
        purpose: principal ? 'link' : 'login',
        ...(principal ? { userId: principal.id, sessionId: principal.sessionId } : {}),
        createdAt: Date.now(),
      },
      ttlSeconds * 1000,
    );
    return { authorizationUrl, state, bindingSecret, ttlSeconds };
  }

  /**
   * Completes an authorization. The state is consumed first, whatever happens next, so it never
   * works twice; nothing is sent to the provider unless the state is valid and bound to this browser.
   */
  async complete(provider: string, input: OAuthCallbackInput, client: ClientInfo = {}): Promise<OAuthCallbackResult> {
    const strategy = this.strategy(provider);
    const state = typeof input.state === 'string' && RANDOM_TOKEN_PATTERN.test(input.state) ? input.state : undefined;
    if (!state) throw new OAuthStateInvalidError();
    const record = await this.states.consume(state);
    const binding = input.bindingSecret;
    if (!record || record.provider !== provider || !binding || !safeEqual(sha256(binding), record.bindingHash)) {
      throw new OAuthStateInvalidError();
    }
    if (input.error !== undefined) throw input.error === 'access_denied' ? new OAuthAccessDeniedError() : new OAuthProviderError();
    const code = typeof input.code === 'string' && input.code.length > 0 && input.code.length <= MAX_CODE_LENGTH ? input.code : undefined;
    if (!code) throw new OAuthProviderError();

    let profile: OAuthProfile;
    try {
      profile = await strategy.signIn(code, record.codeVerifier);
    } catch (error) {
      if (error instanceof OAuthProviderUnavailableError) this.logger.warn(`OAuth provider ${provider} unavailable or answered unexpectedly`);
      throw error;
    }

    if (record.purpose === 'link') {
      const userId = record.userId as string;
      if (!(await this.sessions.exists(userId, record.sessionId as string))) throw new SessionRevokedError();
      await this.identities.linkToUser(userId, profile);
      // A structured security line (no secret in it): who linked which provider from which session and where.
      this.logger.log(JSON.stringify({
        event: 'authkit.identity.linked', userId, sessionId: record.sessionId, provider, ip: client.ip,
      }));
      return { purpose: 'link', userId };
    }
    const { user, outcome } = await this.identities.resolveLogin(profile);
    await this.auth.beforeLogin(user, 'oauth', client, provider);
    const tokens = await this.auth.startSession(user, client);
    const sessionId = this.auth.sessionIdOf(tokens);
    if (outcome === 'created') this.auth.emit(KernelEvent.Registered, { userId: user.id, sessionId, method: 'oauth', provider }, client);
    this.auth.emit(KernelEvent.LoginSucceeded, { userId: user.id, sessionId, method: 'oauth', provider }, client);
    return { purpose: 'login', tokens, outcome };
  }

  /**
   * Linking attaches a permanent way in to an account, so a stolen access token alone must not do it:
   * - the account's email, if it has one, must be verified (else `oauth_link_email_unverified`): an account
   *   squatting an email it never proved must not collect identities;
   * - the session's login must be at most `linkMaxAuthAgeSeconds` old (else `reauthentication_required`). The
   *   session's creation time is its login; a refresh rotates it without changing that.
   */
  private async assertMayLink(principal: AuthenticatedUser): Promise<void> {
    const user = await this.users.findById(principal.id);
    if (!user || user.disabled) throw new SessionRevokedError();
    if (user.email !== null && !user.emailVerified) throw new OAuthLinkEmailUnverifiedError();
    const session = (await this.sessions.list(principal.id)).find((s) => s.id === principal.sessionId);
    if (!session) throw new SessionRevokedError();
    if (Date.now() - session.createdAt > this.options.linkMaxAuthAgeSeconds * 1000) throw new ReauthenticationRequiredError('Sign in again to link a provider to your account');
  }

  private strategy(provider: string): OAuthStrategy {
    const strategy = this.strategies.get(provider);
    if (!strategy) throw new OAuthProviderNotConfiguredError();
    return strategy;
  }
}
