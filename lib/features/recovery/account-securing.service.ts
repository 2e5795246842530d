import { Inject, Injectable, Optional } from '@nestjs/common';
import { CredentialStore } from '../../core/ports/credential-store.interface';
import { IdentityStore } from '../../core/ports/identity-store.interface';
import { SessionStore } from '../../core/ports/session-store.interface';
import { credentialVersionOf, type StoredUser, UserStore } from '../../core/ports/user-store.interface';

/** What `AccountSecuring.secure` removed. */
export interface SecuredAccount {
  revokedSessions: number;
  identitiesRemoved: number;
}

/**
 * An account whose email is not verified may be a squat: whoever set its password (or linked its identities)
 * never proved owning the address. Once the mailbox owner shows up (a reset through the mail, "this was not me"
 * on the verification page), whatever the registrant holds goes: its identities, its sessions and, when the
 * owner disowns the registration, its password.
 */
export function isPossibleSquat(user: Pick<StoredUser, 'email' | 'emailVerified'>): boolean {
  return user.email !== null && !user.emailVerified;
}

/** Ends what a possible squatter holds on an account (see `isPossibleSquat`). */
@Injectable()
export class AccountSecuring {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(CredentialStore) private readonly credentials: CredentialStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Optional() @Inject(IdentityStore) private readonly identities?: IdentityStore | null,
  ) {}

  /**
   * In this order, so that no way in survives a failure half-way (each step fails closed): the password is
   * removed (`voidPassword`; raises the credential version, so every outstanding token and session is stale),
   * every identity is unlinked (`unlinkIdentities`: before the sessions, so no sign-in through one can start a
   * session that outlives this), then every session ends with the user's current credential version as the floor.
   */
  async secure(userId: string, steps: { voidPassword: boolean; unlinkIdentities: boolean }): Promise<SecuredAccount> {
    if (steps.voidPassword) await this.credentials.setPasswordHash(userId, null);
    const identitiesRemoved = steps.unlinkIdentities && this.identities ? await this.identities.unlinkAllIdentities(userId) : 0;
    const current = await this.users.findById(userId);
    const revokedSessions = await this.sessions.revokeAll(userId, { credentialVersion: current ? credentialVersionOf(current) : undefined });
    return { revokedSessions, identitiesRemoved };
  }
}
