import { Inject, Injectable, Logger } from '@nestjs/common';
import { ReauthenticationRequiredError, SessionRevokedError } from '../../core/errors/auth.errors';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { SessionStore } from '../../core/ports/session-store.interface';
import { type StoredUser, UserStore } from '../../core/ports/user-store.interface';
import { type OAuthLoginOutcome, OAuthIdentityResolver } from './oauth-identity.service';
import type { OAuthProfile } from './oauth-profile';
import { OAuthLinkEmailUnverifiedError } from './oauth.errors';
import { OAUTH_OPTIONS, type ResolvedOAuthOptions } from './oauth.options';

/** What an OAuth profile does to the accounts: resolves a sign-in to a user, or links to the signed-in one. */
@Injectable()
export class OAuthLinking {
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(OAUTH_OPTIONS) private readonly options: Pick<ResolvedOAuthOptions, 'linkMaxAuthAgeSeconds'>,
    private readonly identities: OAuthIdentityResolver,
  ) {}

  /** The user a sign-in profile resolves to (known identity, safe link, or a new user), per the identity rules. */
  resolveLogin(profile: OAuthProfile): Promise<{ user: StoredUser; outcome: OAuthLoginOutcome }> {
    return this.identities.resolveLogin(profile);
  }

  /**
   * Linking attaches a permanent way in to an account, so a stolen access token alone must not do it:
   * - the account's email, if it has one, must be verified (else `oauth_link_email_unverified`): an account
   *   squatting an email it never proved must not collect identities;
   * - the session's authentication (`authTime`: its sign-in, kept by refreshes) must be at most
   *   `linkMaxAuthAgeSeconds` old (else `reauthentication_required`).
   */
  async assertMayLink(principal: AuthenticatedUser): Promise<void> {
    const user = await this.users.findById(principal.id);
    if (!user || user.disabled) throw new SessionRevokedError();
    if (user.email !== null && !user.emailVerified) throw new OAuthLinkEmailUnverifiedError();
    const session = (await this.sessions.list(principal.id)).find((s) => s.id === principal.sessionId);
    if (!session) throw new SessionRevokedError();
    if (Date.now() - (session.authTime ?? session.createdAt) > this.options.linkMaxAuthAgeSeconds * 1000) {
      throw new ReauthenticationRequiredError('Sign in again to link a provider to your account');
    }
  }

  /** Links the profile to the user whose session started the link (still live), and writes a security line. */
  async link(userId: string, sessionId: string, profile: OAuthProfile, client: ClientInfo): Promise<void> {
    if (!(await this.sessions.exists(userId, sessionId))) throw new SessionRevokedError();
    await this.identities.linkToUser(userId, profile);
    // A structured security line (no secret in it): who linked which provider from which session and where.
    this.logger.log(JSON.stringify({ event: 'authkit.identity.linked', userId, sessionId, provider: profile.provider, ip: client.ip }));
  }
}
