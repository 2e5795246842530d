import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { InvalidCredentialsError } from '../../core/errors/auth.errors';
import { LoginThrottler } from '../../core/ports/login-throttler.interface';
import { PasswordHasher } from '../../core/ports/password-hasher.interface';
import type { StoredUser } from '../../core/ports/user-store.interface';
import { throttledLogin } from '../../core/throttling/throttled-login';
import { RegistrantProofRequiredError } from './recovery.errors';

/** What a verification click shows about who clicked: the signed-in user of the request, a password typed on the page. */
export interface RegistrantEvidence {
  principal?: AuthenticatedUser;
  password?: unknown;
}

/**
 * Whether a click on a verification link comes from the account's registrant, not only from the mailbox: the
 * request is signed in as that account, or carries its password (checked like a login: throttled per email and
 * ip, a wrong one counts as a failed login).
 */
@Injectable()
export class RegistrantProof {
  constructor(
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(LoginThrottler) private readonly loginThrottler: LoginThrottler,
  ) {}

  /** Resolves when `evidence` shows the registrant of `user`; `RegistrantProofRequiredError` or `InvalidCredentialsError` otherwise. */
  async check(user: StoredUser, evidence: RegistrantEvidence, client: ClientInfo): Promise<void> {
    if (evidence.principal?.id === user.id) return;
    const { password } = evidence;
    if (password === undefined || password === null || password === '' || !user.passwordHash) throw new RegistrantProofRequiredError();
    if (typeof password !== 'string' || password.length > 1024) throw new InvalidCredentialsError();
    const hash = user.passwordHash;
    await throttledLogin(this.loginThrottler, { email: user.email ?? `id:${user.id}`, ip: client.ip }, async () => {
      if (!(await this.hasher.verify(hash, password))) throw new InvalidCredentialsError();
    });
  }
}
