import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AuthenticatedUser, ClientInfo, TokenPair } from '../auth.types';
import { EmailUnverifiedError, InvalidCredentialsError, SessionRevokedError, ValidationFailedError } from '../errors/auth.errors';
import { LoginThrottler } from '../ports/login-throttler.interface';
import { PasswordHasher } from '../ports/password-hasher.interface';
import { SessionStore } from '../ports/session-store.interface';
import { UserStore } from '../ports/user-store.interface';
import { SessionIssuer } from '../sign-in/session-issuer';
import { throttledLogin } from '../throttling/throttled-login';
import { type ReauthenticationProof, SECOND_FACTORS, type SecondFactors } from './second-factors';

/** What a step-up answers: a token response for the same session, without a new refresh token (the current one stays valid). */
export type ReauthenticatedTokens = Omit<TokenPair, 'refreshToken'>;

/**
 * `POST /auth/reauthenticate` (step-up): the signed-in user proves it again, with the password (throttled like a
 * login: a wrong one is a failed login) or, through the second-factor feature (`SECOND_FACTORS`), a TOTP code or a
 * recovery code. The session gets a fresh `authTime` and the proof's `amr` (`SessionStore.reauthenticate`), and the
 * answer is an access token that says so, for the same session.
 */
@Injectable()
export class ReauthenticationService {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(LoginThrottler) private readonly loginThrottler: LoginThrottler,
    private readonly issuer: SessionIssuer,
    @Optional() @Inject(SECOND_FACTORS) private readonly secondFactors?: SecondFactors | null,
  ) {}

  /** 401 `invalid_credentials` (wrong password, or none on the account) / the feature's `mfa_code_invalid`; 429. */
  async reauthenticate(principal: AuthenticatedUser, proof: ReauthenticationProof, client: ClientInfo = {}): Promise<ReauthenticatedTokens> {
    const user = await this.users.findById(principal.id);
    if (!user) throw new SessionRevokedError();
    let amr: readonly string[];
    if (typeof proof.password === 'string') {
      const hash = user.passwordHash;
      await throttledLogin(this.loginThrottler, { email: user.email ?? `id:${user.id}`, ip: client.ip }, async () => {
        if (!hash || !(await this.hasher.verify(hash, proof.password!))) throw new InvalidCredentialsError();
      });
      amr = ['pwd'];
    } else if (this.secondFactors) {
      amr = await this.secondFactors.reauthenticate(user.id, proof, client);
    } else {
      throw new ValidationFailedError(['give password']);
    }
    if (!this.issuer.mayHoldSession(user)) throw new EmailUnverifiedError();
    const authentication = await this.sessions.reauthenticate({ userId: user.id, sessionId: principal.sessionId, amr });
    if (!authentication) throw new SessionRevokedError();
    // The app's claims and a feature's session claims (an active organization) stay in the new token.
    const [claims, sessionClaims] = await Promise.all([this.issuer.appClaims(user), this.issuer.sessionClaims(user, principal.sessionId)]);
    return this.issuer.accessTokenFor(user, principal.sessionId, authentication, claims, sessionClaims);
  }
}
