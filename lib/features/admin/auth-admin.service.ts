import { Inject, Injectable } from '@nestjs/common';
import { UserNotFoundError } from '../../core/errors/auth.errors';
import type { ClientInfo, PublicUser, SessionView } from '../../core/auth.types';
import { KernelEvent } from '../../core/events/auth-event.names';
import { SessionStore } from '../../core/ports/session-store.interface';
import { AccountDeletion } from '../../core/users/account-deletion.service';
import { AuthService } from '../../core/sign-in/auth.service';
import { SessionsService } from '../../core/sessions/sessions.service';
import { UserStore } from '../../core/ports/user-store.interface';

/** Who does an admin operation, for the events' `actorId`, `ip` and `userAgent`. */
export interface AdminActor extends ClientInfo {
  actorId?: string;
}

/** A user as an administrator sees it. */
export interface AdminUserView extends PublicUser {
  emailVerified: boolean;
  disabled: boolean;
}

/**
 * Administration of other users' accounts, independent of HTTP (the optional `auth/admin` routes call it).
 * Every operation emits its event with the actor.
 *
 * @example
 * ```ts
 * await admin.setRoles(userId, ['user', 'editor'], { actorId: me.id });
 * await admin.disable(userId); // and every session of the user ends
 * ```
 */
@Injectable()
export class AuthAdminService {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    private readonly auth: AuthService,
    private readonly deletion: AccountDeletion,
    private readonly userSessions: SessionsService,
  ) {}

  /** The user, or `UserNotFoundError`. */
  async getUser(userId: string): Promise<AdminUserView> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    return { id: user.id, email: user.email, roles: [...user.roles], emailVerified: user.emailVerified, disabled: user.disabled === true };
  }

  /** Replaces the user's roles (see `AuthService.setRoles`). Emits `RolesChanged`. */
  async setRoles(userId: string, roles: string[], actor: AdminActor = {}): Promise<void> {
    await this.auth.setRoles(userId, roles, { actorId: actor.actorId, client: actor });
  }

  /** Disables the user and ends every session. Emits `UserDisabled`. */
  async disable(userId: string, actor: AdminActor = {}): Promise<number> {
    return this.auth.setDisabled(userId, true, { actorId: actor.actorId, client: actor });
  }

  /** Enables a disabled user again. Emits `UserEnabled`. */
  async enable(userId: string, actor: AdminActor = {}): Promise<void> {
    await this.auth.setDisabled(userId, false, { actorId: actor.actorId, client: actor });
  }

  /** The user's sessions (none is `current` here). */
  async listSessions(userId: string): Promise<SessionView[]> {
    await this.getUser(userId);
    return this.userSessions.listSessions({ id: userId, sessionId: '', roles: [] });
  }

  /** Ends one session of the user (`SessionNotFoundError`), or all of them without `sessionId`; returns how many ended. */
  async revokeSessions(userId: string, sessionId?: string, actor: AdminActor = {}): Promise<number> {
    if (sessionId !== undefined) {
      await this.userSessions.revokeSession(userId, sessionId, { ...actor, reason: 'admin' });
      return 1;
    }
    const sessions = await this.sessions.list(userId);
    const revoked = await this.sessions.revokeAll(userId);
    for (const session of sessions) {
      this.auth.emit(KernelEvent.SessionRevoked, { userId, sessionId: session.id, reason: 'admin', actorId: actor.actorId }, actor);
    }
    return revoked;
  }

  /** Deletes the user with its identities, sessions and tokens (`UserNotFoundError`). Emits `AccountDeleted`. */
  async deleteUser(userId: string, actor: AdminActor = {}): Promise<void> {
    if (!(await this.deletion.deleteUser(userId, { client: actor, actorId: actor.actorId }))) throw new UserNotFoundError();
  }
}
