import { Inject, Injectable, Logger } from '@nestjs/common';
import { SignInPipeline } from '../../core/sign-in/sign-in-pipeline';
import type { SignInChallenge } from '../../core/sign-in/sign-in-step';
import type { AuthenticatedUser, ClientInfo, TokenPair } from '../../core/auth.types';
import type { OAuthLoginOutcome } from './oauth-identity.service';
import { OAuthLinking } from './oauth-linking';
import type { OAuthProfile } from './oauth-profile';
import { OAuthStateStore } from './oauth-state-store.interface';
import { OAUTH_STRATEGIES, type OAuthStrategies, type OAuthStrategy } from './oauth-strategy.interface';
import {
  OAuthAccessDeniedError, OAuthProviderError, OAuthProviderNotConfiguredError, OAuthProviderUnavailableError,
  OAuthStateInvalidError, } from './oauth.errors';
import { OAUTH_OPTIONS, type ResolvedOAuthOptions } from './oauth.options';
import { RANDOM_TOKEN_PATTERN, randomToken, safeEqual, sha256 } from './pkce';
import { clientIpKey } from '../../core/throttling/client-ip';
import { RouteLimiter } from '../../core/throttling/route-limiter';

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

/**
 * A successful callback: a new session (`login`), a sign-in suspended by a step (`challenge`, e.g. MFA: no
 * session yet), or an identity added to the signed-in user (`link`).
 */
export type OAuthCallbackResult =
  | { purpose: 'login'; tokens: TokenPair; outcome: OAuthLoginOutcome }
  | { purpose: 'challenge'; challenge: SignInChallenge; outcome: OAuthLoginOutcome }
  | { purpose: 'link'; userId: string };

/**
 * The authorization-code flow with PKCE, independent of HTTP: `begin` stores a single-use state
 * (with the PKCE verifier and the hash of a browser-binding secret) and returns the provider URL;
 * `complete` consumes the state, checks the binding, exchanges the code with the verifier, reads the
 * profile and resolves it to a user (`OAuthIdentityResolver`), then signs the user in through the sign-in
 * pipeline (`amr: ['oauth']`: the steps run, then `SessionIssuer` creates the session).
 */
@Injectable()
export class OAuthService {
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(OAUTH_STRATEGIES) private readonly strategies: OAuthStrategies,
    @Inject(OAuthStateStore) private readonly states: OAuthStateStore,
    @Inject(OAUTH_OPTIONS) private readonly options: Pick<ResolvedOAuthOptions, 'stateTtlSeconds'>,
    private readonly accounts: OAuthLinking,
    private readonly pipeline: SignInPipeline,
    private readonly limiter: RouteLimiter,
  ) {}

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
    await this.limiter.charge('oauthStart', { ip: clientIpKey(client.ip) }, client);
    if (principal) await this.accounts.assertMayLink(principal);
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
      await this.accounts.link(userId, record.sessionId as string, profile, client);
      return { purpose: 'link', userId };
    }
    const { user, outcome } = await this.accounts.resolveLogin(profile);
    const signedIn = await this.pipeline.signIn({ user, method: 'oauth', provider, amr: ['oauth'], created: outcome === 'created' }, client);
    if (signedIn.status === 'challenge') return { purpose: 'challenge', challenge: signedIn.challenge, outcome };
    return { purpose: 'login', tokens: signedIn.tokens, outcome };
  }

  private strategy(provider: string): OAuthStrategy {
    const strategy = this.strategies.get(provider);
    if (!strategy) throw new OAuthProviderNotConfiguredError();
    return strategy;
  }
}
