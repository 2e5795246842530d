import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { OAuthEvent } from './oauth.events';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import type { ResolvedAccountOptions } from '../../core/options/account.options';
import { EmailTakenError, RegistrationDisabledError, SessionRevokedError, UserDisabledError } from '../../core/errors/auth.errors';
import type { ResolvedIdentityOptions } from '../../core/users/identity.options';
import type { OAuthProfile } from './oauth-profile';
import { oauthSourceNames, type ResolvedOAuthOptions } from './oauth.options';
import {
  OAuthAccountExistsError, OAuthEmailUnverifiedError, OAuthIdentityInUseError, OAuthIdentityNotFoundError,
  OAuthProviderAlreadyLinkedError, LastSignInMethodError,
} from './oauth.errors';
import { type StoredUser, UserStore } from '../../core/ports/user-store.interface';
import { AccountSecuring } from '../../core/users/account-securing.service';
import { IDENTITY_STORE_METHODS, IdentityStore, type NewUserIdentity, type UserIdentity } from '../../core/ports/identity-store.interface';
import type { AuthHooks } from '../../core/sign-in/auth-hooks';

/**
 * How an OAuth sign-in was resolved:
 * - `existing`: the identity was already linked to the user.
 * - `linked`: the identity was new and linked to the user owning its (provider-verified) email.
 * - `created`: a new user was created for it.
 */
export type OAuthLoginOutcome = 'existing' | 'linked' | 'created';

/** The result of `OAuthIdentityResolver.resolveLogin`. */
export interface OAuthLoginResult {
  user: StoredUser;
  outcome: OAuthLoginOutcome;
  /** True when linking invalidated the account's password and revoked its sessions (pre-account-takeover defence). */
  accountSecured: boolean;
}

/** What `OAuthIdentityResolver` decides by: the configured sources, the linking rules, registration, the link hook. */
export interface OAuthLinkingSettings extends Pick<ResolvedOAuthOptions, 'linking' | 'unverifiedEmail'> {
  /** The configured OAuth sources (providers and passport strategies). */
  sources: string[];
  registration: ResolvedIdentityOptions['registration'];
  beforeOAuthLink?: AuthHooks['beforeOAuthLink'];
}

/** Injection token of `OAuthLinkingSettings` (built from the oauth, identity and account slices by `oauthLinkingSettings`). */
export const OAUTH_LINKING = Symbol('AUTHKIT_OAUTH_LINKING');

export function oauthLinkingSettings(
  oauth: Pick<ResolvedOAuthOptions, 'providers' | 'passport' | 'linking' | 'unverifiedEmail'>,
  identity: Pick<ResolvedIdentityOptions, 'registration'>,
  account?: Pick<ResolvedAccountOptions, 'hooks'>,
): OAuthLinkingSettings {
  return {
    sources: oauthSourceNames(oauth), linking: oauth.linking, unverifiedEmail: oauth.unverifiedEmail, registration: identity.registration,
    beforeOAuthLink: account?.hooks.beforeOAuthLink,
  };
}

function identityOf(profile: OAuthProfile): NewUserIdentity {
  return {
    provider: profile.provider,
    providerUserId: profile.providerUserId,
    email: profile.email,
    emailVerified: profile.emailVerified,
  };
}

/**
 * Provider profile -> user, the linking rules in one place:
 * 1. A known identity (provider + the provider's immutable id) -> its user.
 * 2. An unknown identity whose email the PROVIDER verified, and a user has that email -> linked to
 *    that user if `oauth.linking` is `'verified-email'` (default), refused (`oauth_account_exists`) if
 *    `'never'`. If that user's own email was never verified (a self-registered password account,
 *    possibly pre-registered by an attacker), its password is invalidated, EVERY identity linked to it
 *    is unlinked and all its sessions are revoked BEFORE the identity is linked, and its email becomes
 *    verified.
 * 3. Otherwise a new user: with the email (marked verified) when the provider verified it; without
 *    any email when not (`oauth.unverifiedEmail: 'create-without-email'`, default), or refused
 *    (`'refuse'`). An unverified provider email is never linked and never claimed.
 * New users are refused when `registration.enabled` is false. Concurrent first sign-ins of one
 * identity create one user (`IdentityStore.createWithIdentity` is atomic).
 *
 * @example
 * ```ts
 * const { user, outcome } = await oauthIdentity.resolveLogin(profile);
 * const tokens = await auth.startSession(user, client);
 * ```
 */
@Injectable()
export class OAuthIdentityResolver {
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Optional() @Inject(IdentityStore) private readonly identities: IdentityStore | null,
    private readonly securing: AccountSecuring,
    @Inject(OAUTH_LINKING) private readonly settings: OAuthLinkingSettings,
    @Optional() private readonly events?: AuthEvents,
  ) {
    if (settings.sources.length > 0 && !identities) {
      throw new TypeError(
        `nestjs-authkit: OAuth sign-in (${settings.sources.join(', ')}) needs an IdentityStore, and there is none: implement ` +
          `IdentityStore (${IDENTITY_STORE_METHODS.join(', ')}) on the userStore, or pass a class of its own as \`identityStore\``,
      );
    }
  }

  /** Resolves a provider sign-in to an active user (see the class documentation for the rules). */
  async resolveLogin(profile: OAuthProfile): Promise<OAuthLoginResult> {
    const store = this.identityStore();
    const known = await store.findByIdentity(profile.provider, profile.providerUserId);
    if (known) return { user: this.active(known), outcome: 'existing', accountSecured: false };

    const verifiedEmail = profile.emailVerified && profile.email ? profile.email : null;
    if (verifiedEmail) {
      const owner = await this.users.findByEmail(verifiedEmail);
      if (owner) return this.linkToEmailOwner(store, owner, profile);
    } else if (this.settings.unverifiedEmail === 'refuse') {
      throw new OAuthEmailUnverifiedError();
    }
    if (!this.settings.registration.enabled) throw new RegistrationDisabledError();
    try {
      const { user, created } = await store.createWithIdentity(
        { email: verifiedEmail, passwordHash: null, roles: [...this.settings.registration.defaultRoles], emailVerified: verifiedEmail !== null },
        identityOf(profile),
      );
      return { user: this.active(user), outcome: created ? 'created' : 'existing', accountSecured: false };
    } catch (error) {
      if (!(error instanceof EmailTakenError) || !verifiedEmail) throw error;
      // The email was registered in the meantime: resolve again, now as rule 2.
      const owner = await this.users.findByEmail(verifiedEmail);
      if (!owner) throw error;
      return this.linkToEmailOwner(store, owner, profile);
    }
  }

  /** Links a provider identity to a signed-in user (`GET /auth/<provider>/link`). Idempotent. */
  async linkToUser(userId: string, profile: OAuthProfile): Promise<StoredUser> {
    const store = this.identityStore();
    const user = await this.users.findById(userId);
    if (!user || user.disabled) throw new SessionRevokedError();
    await this.beforeLink(user, profile);
    const result = await store.linkIdentity(userId, identityOf(profile));
    if (result.status === 'identity-taken') throw new OAuthIdentityInUseError();
    if (result.status === 'provider-taken') throw new OAuthProviderAlreadyLinkedError();
    if (result.status === 'linked') this.events?.emit(OAuthEvent.IdentityLinked, { userId, provider: profile.provider });
    return user;
  }

  /** The user's linked identities (empty for a store without identity support). */
  async listIdentities(userId: string): Promise<UserIdentity[]> {
    return this.identities ? this.identities.listIdentities(userId) : [];
  }

  /** Unlinks the user's identity of `provider`; refuses to remove the last way to sign in. */
  async unlink(userId: string, provider: string): Promise<void> {
    if (!this.identities) throw new OAuthIdentityNotFoundError();
    const result = await this.identities.unlinkIdentity(userId, provider);
    if (result === 'not-found') throw new OAuthIdentityNotFoundError();
    if (result === 'last-sign-in-method') throw new LastSignInMethodError();
    this.events?.emit(OAuthEvent.IdentityUnlinked, { userId, provider });
  }

  /** `hooks.beforeOAuthLink`: may refuse (throws) before anything is linked. */
  private async beforeLink(user: StoredUser, profile: OAuthProfile): Promise<void> {
    const hook = this.settings.beforeOAuthLink;
    if (!hook) return;
    const { passwordHash: _omitted, ...safe } = user;
    await hook({
      user: structuredClone(safe), provider: profile.provider, providerUserId: profile.providerUserId,
      email: profile.email ?? null, emailVerified: profile.emailVerified === true,
    });
  }

  private async linkToEmailOwner(store: IdentityStore, owner: StoredUser, profile: OAuthProfile): Promise<OAuthLoginResult> {
    if (owner.disabled) throw new UserDisabledError();
    if (this.settings.linking === 'never') throw new OAuthAccountExistsError();
    await this.beforeLink(owner, profile);
    let accountSecured = false;
    let credentialVersion = owner.credentialVersion;
    if (!owner.emailVerified) {
      // Pre-account takeover: whoever set this password never proved owning the email; the provider just did: the
      // secure-account step (fail closed: if it fails, nothing is linked). Every identity linked so far was linked
      // by someone who never proved owning the email either: each one is a way back in. A concurrent sign-in of the
      // same owner may have finished this already (and linked its identity and opened a session since): those stay.
      const secured = await this.securing.secure(owner.id, {
        voidPassword: true, unlinkIdentities: true, removeSecondFactors: true, verifyEmail: true, skipIfVerified: true,
      });
      // Removing the password raised the credential version: the new session is created under it.
      credentialVersion = secured.credentialVersion;
      if (secured.secured) {
        const removed = secured.identitiesRemoved;
        this.logger.warn(
          `OAuth (${profile.provider}) sign-in claimed an account with an unverified email: password invalidated, ` +
            `${removed} identit${removed === 1 ? 'y' : 'ies'} unlinked, sessions revoked (user ${owner.id})`,
        );
      }
      accountSecured = true;
    }
    const result = await store.linkIdentity(owner.id, identityOf(profile));
    if (result.status === 'identity-taken') {
      // A concurrent sign-in linked or created this identity first: it belongs to that user.
      const winner = await this.users.findById(result.ownerId);
      if (!winner) throw new OAuthIdentityInUseError();
      return { user: this.active(winner), outcome: 'existing', accountSecured };
    }
    if (result.status === 'provider-taken') throw new OAuthAccountExistsError();
    const user = { ...owner, emailVerified: true, passwordHash: accountSecured ? null : owner.passwordHash, credentialVersion };
    if (result.status === 'linked') this.events?.emit(OAuthEvent.IdentityLinked, { userId: owner.id, provider: profile.provider });
    return { user: this.active(user), outcome: result.status === 'linked' ? 'linked' : 'existing', accountSecured };
  }

  private active(user: StoredUser): StoredUser {
    if (user.disabled) throw new UserDisabledError();
    return user;
  }

  /** The identity store; absent only without OAuth sources (the constructor refuses to start otherwise). */
  private identityStore(): IdentityStore {
    if (!this.identities) throw new TypeError('nestjs-authkit: there is no IdentityStore (needed for OAuth)');
    return this.identities;
  }
}
