import { Inject, Injectable, Optional } from '@nestjs/common';
import { CredentialStore } from '../ports/credential-store.interface';
import { IdentityStore } from '../ports/identity-store.interface';
import { SessionStore } from '../ports/session-store.interface';
import { SECOND_FACTORS, type SecondFactors } from '../sessions/second-factors';
import { credentialVersionOf, type StoredUser, UserStore } from '../ports/user-store.interface';

/** What `AccountSecuring.secure` did. */
export interface SecuredAccount {
  /** False when `skipIfVerified` found the email verified meanwhile (only the password step ran). */
  secured: boolean;
  revokedSessions: number;
  identitiesRemoved: number;
  /** The user's credential version after the steps (the floor the sessions were revoked under). */
  credentialVersion: number | undefined;
}

/** The steps of `AccountSecuring.secure`. */
export interface SecureAccountSteps {
  /** Remove the password (whoever set it never proved the email). */
  voidPassword: boolean;
  /** Unlink every identity of the account. */
  unlinkIdentities: boolean;
  /**
   * Remove every second factor (through the second-factor feature, `SECOND_FACTORS`): a squatter's authenticator
   * would lock the mailbox owner out. Not for a verified account: a password reset never removes a factor.
   */
  removeSecondFactors?: boolean;
  /** Mark the email verified last (the mailbox owner, or a provider that vouches for the address, is here). */
  verifyEmail?: boolean;
  /** After the password step, stop if the email is verified by now (a concurrent securing finished first). */
  skipIfVerified?: boolean;
}

/**
 * An account whose email is not verified may be a squat (a pre-account takeover): whoever set its password, or
 * linked its identities, never proved owning the address. When the mailbox owner shows up (a reset through the
 * mail, "this was not me" on the verification page, an OAuth sign-in whose provider vouches for the address),
 * whatever the registrant holds goes.
 */
export function isPossibleSquat(user: Pick<StoredUser, 'email' | 'emailVerified'>): boolean {
  return user.email !== null && !user.emailVerified;
}

/**
 * The secure-account step, one for every feature: ends what a possible squatter holds on an account (see
 * `isPossibleSquat`).
 */
@Injectable()
export class AccountSecuring {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(CredentialStore) private readonly credentials: CredentialStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Optional() @Inject(IdentityStore) private readonly identities?: IdentityStore | null,
    @Optional() @Inject(SECOND_FACTORS) private readonly secondFactors?: SecondFactors | null,
  ) {}

  /**
   * In this order, so that no way in survives a failure half-way (each step fails closed): the password is
   * removed (`voidPassword`; raises the credential version, so every outstanding one-time token and session is
   * stale), every identity is unlinked (`unlinkIdentities`: before the sessions, so no sign-in through one can
   * start a session that outlives this), every session ends with the user's current credential version as the
   * floor, every second factor is removed (`removeSecondFactors`), and then (`verifyEmail`) the email is marked verified.
   */
  async secure(userId: string, steps: SecureAccountSteps): Promise<SecuredAccount> {
    if (steps.voidPassword) await this.credentials.setPasswordHash(userId, null);
    const current = await this.users.findById(userId);
    const credentialVersion = current ? credentialVersionOf(current) : undefined;
    if (steps.skipIfVerified && current?.emailVerified) return { secured: false, revokedSessions: 0, identitiesRemoved: 0, credentialVersion };
    const identitiesRemoved = steps.unlinkIdentities && this.identities ? await this.identities.unlinkAllIdentities(userId) : 0;
    const revokedSessions = await this.sessions.revokeAll(userId, { credentialVersion });
    if (steps.removeSecondFactors) await this.secondFactors?.removeAll(userId, {});
    if (steps.verifyEmail) await this.users.markEmailVerified(userId);
    return { secured: true, revokedSessions, identitiesRemoved, credentialVersion };
  }
}
