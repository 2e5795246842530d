import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ClientInfo } from '../auth.types';
import { KernelEvent } from '../events/auth-event.names';
import { AuthEvents } from '../events/auth-events.emitter';
import { ONE_TIME_TOKEN_KINDS } from '../feature/feature-registry';
import { OneTimeTokenStore } from '../ports/one-time-token-store.interface';
import { SessionStore } from '../ports/session-store.interface';
import type { OneTimeTokenKind } from '../tokens/one-time-token';
import { credentialVersionOf, UserStore } from '../ports/user-store.interface';
import { IdentityStore } from '../ports/identity-store.interface';

/**
 * Deletes a user with everything the kernel and the features keep of it: its sessions first, with a credential
 * floor above the user's version (so it is signed out even if the store fails next, and a login in flight gets no
 * session), the one-time tokens of every kind the features issue, its identities, then the
 * user. What both `DELETE /auth/account` and the admin route call.
 */
@Injectable()
export class AccountDeletion {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(OneTimeTokenStore) private readonly tokens: OneTimeTokenStore,
    @Inject(ONE_TIME_TOKEN_KINDS) private readonly tokenKinds: readonly string[],
    private readonly events: AuthEvents,
    @Optional() @Inject(IdentityStore) private readonly identities?: IdentityStore | null,
  ) {}

  /** Whether the user store can delete users (else the deletion routes answer 404). */
  get supported(): boolean {
    return typeof this.users.deleteUser === 'function';
  }

  /** Deletes the user; false when there was none. Emits `AccountDeleted`. */
  async deleteUser(userId: string, options: { client?: ClientInfo; actorId?: string; sessionId?: string } = {}): Promise<boolean> {
    if (!this.users.deleteUser) throw new TypeError('nestjs-authkit: the UserStore has no deleteUser(); account deletion needs it');
    // The floor first: every session ends, and the version after the one read now becomes the floor, so a login
    // in flight that read the user before the deletion cannot create (or rotate) a session for it afterwards.
    const user = await this.users.findById(userId);
    await this.sessions.revokeAll(userId, user ? { credentialVersion: credentialVersionOf(user) + 1 } : {});
    await Promise.all(this.tokenKinds.map((kind) => this.tokens.revoke(kind as OneTimeTokenKind, userId)));
    // Identities before the user (a store of their own keeps them apart): none is left pointing at a deleted user.
    await this.identities?.unlinkAllIdentities(userId);
    const deleted = await this.users.deleteUser(userId);
    const client = options.client ?? {};
    if (deleted) {
      this.events.emit(KernelEvent.AccountDeleted, {
        userId, sessionId: options.sessionId, actorId: options.actorId, ip: client.ip, userAgent: client.userAgent,
      });
    }
    return deleted;
  }
}
