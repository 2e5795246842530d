import { Inject, Injectable } from '@nestjs/common';
import { InvalidCredentialsError, ReauthenticationRequiredError, SessionRevokedError } from '../../core/errors/auth.errors';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { LoginThrottler } from '../../core/ports/login-throttler.interface';
import { PasswordHasher } from '../../core/ports/password-hasher.interface';
import { UserStore } from '../../core/ports/user-store.interface';
import { throttledLogin } from '../../core/throttling/throttled-login';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { AccountDeletion } from '../../core/users/account-deletion.service';

/** `DELETE /auth/account`: the signed-in user deletes its own account, after proving it is them. */
@Injectable()
export class AccountClosingService {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(LoginThrottler) private readonly loginThrottler: LoginThrottler,
    private readonly deletion: AccountDeletion,
    @Inject(ACCOUNT_OPTIONS) private readonly options: ResolvedAccountOptions,
  ) {}

  /** Whether the user store can delete users (else the deletion route answers 404). */
  get supported(): boolean {
    return this.deletion.supported;
  }

  /**
   * Deletes the signed-in user, its identities, sessions and tokens. An account with a password must give it (a
   * wrong one counts as a failed login); one without (OAuth only) must have signed in within
   * `accountDeletion.recentLoginSeconds` (the access token's `auth_time`: a sign-in or a `POST /auth/reauthenticate`
   * of this session; `ReauthenticationRequiredError`).
   */
  async close(principal: AuthenticatedUser, password: unknown, client: ClientInfo = {}): Promise<void> {
    const user = await this.users.findById(principal.id);
    if (!user) throw new SessionRevokedError();
    if (user.passwordHash) {
      if (typeof password !== 'string' || password.length === 0 || password.length > 1024) throw new InvalidCredentialsError();
      const hash = user.passwordHash;
      await throttledLogin(this.loginThrottler, { email: user.email ?? `id:${user.id}`, ip: client.ip }, async () => {
        if (!(await this.hasher.verify(hash, password))) throw new InvalidCredentialsError();
      });
    } else if (principal.authTime === undefined || Date.now() - principal.authTime > this.options.accountDeletion.recentLoginSeconds * 1000) {
      throw new ReauthenticationRequiredError();
    }
    await this.deletion.deleteUser(user.id, { client, sessionId: principal.sessionId });
  }
}
