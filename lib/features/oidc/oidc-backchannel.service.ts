import { Inject, Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { OAuthProviderNotConfiguredError } from '../../core/errors/provider.errors';
import { AuthEvent } from '../../core/events/auth-event.names';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { IdentityStore } from '../../core/ports/identity-store.interface';
import { SessionStore } from '../../core/ports/session-store.interface';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../../core/sessions/session.options';
import { OidcLogoutTokenInvalidError } from './oidc.errors';
import { OidcLogoutStore } from './oidc-logout-store.interface';
import type { OidcStrategy } from './oidc.strategy';
import { verifyLogoutToken } from './oidc-token.verifier';

/** Injection token of the configured OpenID Connect providers (`ReadonlyMap<string, OidcStrategy>`, by name). */
export const OIDC_STRATEGIES = Symbol('authkit:oidc-strategies');

/** How long a sign-in's `sid` waits for its session (a sign-in suspended by MFA completes within minutes). */
export const PENDING_SID_TTL_MS = 15 * 60_000;

/**
 * OpenID Connect Back-Channel Logout 1.0 for the configured providers. Each session opened by a provider's sign-in
 * is recorded (`LoginSucceeded` with the provider's name, with the id_token's `sid`); a verified logout token
 * (`verifyLogoutToken`, each `jti` once) ends the sessions it names: those of its `sid` (and any recorded without a
 * sid), or with only a `sub`, every session of that user opened through this provider. Sessions opened otherwise (password, another
 * provider) are left alone.
 */
@Injectable()
export class OidcBackchannelLogout implements OnModuleInit {
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(OIDC_STRATEGIES) private readonly strategies: ReadonlyMap<string, OidcStrategy>,
    @Inject(OidcLogoutStore) private readonly store: OidcLogoutStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(SESSION_OPTIONS) private readonly sessionOptions: Pick<ResolvedSessionOptions, 'sessionAbsoluteTtlSeconds'>,
    private readonly events: AuthEvents,
    @Optional() @Inject(IdentityStore) private readonly identities?: IdentityStore | null,
  ) {}

  onModuleInit(): void {
    if (this.strategies.size === 0) return;
    this.events.subscribe(AuthEvent.LoginSucceeded, ({ userId, sessionId, provider }) => {
      if (provider === undefined || !this.strategies.has(provider)) return;
      this.record(provider, userId, sessionId).catch((error: unknown) => {
        this.logger.warn(`OIDC (${provider}): could not record a session for back-channel logout: ${error instanceof Error ? error.message : error}`);
      });
    });
  }

  /**
   * The provider's RP-initiated logout URL (its `end_session_endpoint` with `client_id` and, if given, the registered
   * `post_logout_redirect_uri`), to send the browser to after the app's own `POST /auth/logout`; null when the
   * provider has none. Throws `OAuthProviderNotConfiguredError` for an unknown name, 503 when discovery fails.
   *
   * @example
   * ```ts
   * const url = await oidcLogout.endSessionUrl('keycloak', 'https://app.example.com/signed-out');
   * ```
   */
  endSessionUrl(provider: string, postLogoutRedirectUri?: string): Promise<string | null> {
    const strategy = this.strategies.get(provider);
    if (!strategy) throw new OAuthProviderNotConfiguredError();
    return strategy.endSessionUrl(postLogoutRedirectUri);
  }

  /** Verifies `logoutToken` for `provider` and ends the sessions it names; returns how many were ended. */
  async logout(provider: string, logoutToken: unknown): Promise<number> {
    const strategy = this.strategies.get(provider);
    if (!strategy) throw new OAuthProviderNotConfiguredError();
    if (typeof logoutToken !== 'string' || logoutToken === '') throw new OidcLogoutTokenInvalidError('missing');
    const check = strategy.tokenCheck();
    let token: Awaited<ReturnType<typeof verifyLogoutToken>>;
    try {
      token = await verifyLogoutToken(logoutToken, check, (reason) => new OidcLogoutTokenInvalidError(reason));
    } catch (error) {
      if (error instanceof OidcLogoutTokenInvalidError) this.logger.warn(`OIDC (${provider}): logout token refused (${error.reason})`);
      throw error;
    }
    const ttlMs = Math.max(60_000, (token.exp + check.clockToleranceSeconds) * 1000 - Date.now());
    if (!(await this.store.claimJti(provider, token.jti, ttlMs))) throw new OidcLogoutTokenInvalidError('replayed');
    const userId = token.sub !== undefined
      ? (await this.identities?.findByIdentity(provider, token.sub))?.id ?? null
      : await this.store.userOfSid(provider, token.sid as string);
    if (!userId) return 0;
    const ended = await this.store.takeSessions(provider, userId, token.sid);
    let count = 0;
    for (const sessionId of ended) {
      if (await this.sessions.revoke(userId, sessionId)) {
        count++;
        this.events.emit(AuthEvent.SessionRevoked, { userId, sessionId, reason: 'oidc_backchannel_logout' });
      }
    }
    this.logger.log(JSON.stringify({ event: 'authkit.oidc.backchannel_logout', provider, userId, sessionsEnded: count }));
    return count;
  }

  private async record(provider: string, userId: string, sessionId: string): Promise<void> {
    const identity = (await this.identities?.listIdentities(userId))?.find((i) => i.provider === provider);
    const sid = identity ? await this.store.takeSid(provider, identity.providerUserId) : null;
    await this.store.addSession(provider, userId, sessionId, sid, this.sessionOptions.sessionAbsoluteTtlSeconds * 1000);
  }
}
