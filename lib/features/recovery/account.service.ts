import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  InvalidCredentialsError, OneTimeTokenInvalidError, ReauthenticationRequiredError, SessionRevokedError, TooManyRequestsError,
  ValidationFailedError,
} from '../../core/errors/auth.errors';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { KernelEvent } from '../../core/events/auth-event.names';
import { RecoveryEvent } from './recovery.events';
import { SessionStore } from '../../core/ports/session-store.interface';
import { LoginThrottler } from '../../core/ports/login-throttler.interface';
import { clientIpKey } from '../../core/throttling/client-ip';
import { RouteThrottle } from '../../core/ports/route-throttle.interface';
import { type ResolvedRouteLimits, ROUTE_LIMITS } from '../../core/throttling/throttle.options';
import { throttleRoute } from '../../core/throttling/throttled-route';
import { throttledLogin } from '../../core/throttling/throttled-login';
import { type OneTimeTokenKind, parseOneTimeToken } from '../../core/tokens/one-time-token';
import { OneTimeTokenStore } from '../../core/ports/one-time-token-store.interface';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { AccountMailer } from './account.mailer';
import { AccountDeletion } from '../../core/users/account-deletion.service';
import { AuthService } from '../../core/sign-in/auth.service';
import { credentialStamp } from '../../core/users/credential-stamp';
import { IdentityResolver } from '../../core/users/identity-resolver.service';
import { parseEmail } from '../../core/users/email';
import { PasswordHasher } from '../../core/ports/password-hasher.interface';
import { credentialVersionOf, type StoredUser, UserStore } from '../../core/ports/user-store.interface';

/**
 * The account lifecycle, independent of HTTP: password reset by mail, email verification, account deletion.
 * One-time tokens are 256-bit random, stored hashed, single use (atomic consume), short-lived and bound to
 * the user's credentials (`credentialStamp`). Mails are sent in the background, so the answer to "send me a
 * link" takes the same time whether or not the email has an account.
 *
 * @example
 * ```ts
 * await account.requestPasswordReset('ada@example.com', { ip });   // mails a link if the account exists
 * await account.resetPassword(tokenFromTheLink, 'a new password');  // ends every session
 * ```
 */
@Injectable()
export class AccountService {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(OneTimeTokenStore) private readonly tokens: OneTimeTokenStore,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(LoginThrottler) private readonly loginThrottler: LoginThrottler,
    @Inject(RouteThrottle) private readonly routeThrottle: RouteThrottle,
    @Inject(ROUTE_LIMITS) private readonly routeLimits: ResolvedRouteLimits,
    private readonly identity: IdentityResolver,
    private readonly auth: AuthService,
    private readonly mailer: AccountMailer,
    private readonly deletion: AccountDeletion,
    @Inject(ACCOUNT_OPTIONS) private readonly options: ResolvedAccountOptions,
  ) {}

  /**
   * `POST /auth/password/forgot`: when an enabled account has this email, mails it a reset link (in the
   * background). Same outcome and timing for unknown emails; throttled per ip and per email
   * (`TooManyRequestsError`, counted whether or not the email exists).
   */
  async requestPasswordReset(rawEmail: unknown, client: ClientInfo = {}): Promise<void> {
    const email = checkEmail(rawEmail);
    await this.throttle('passwordForgot', email, client);
    const user = await this.findByEmailInConstantSteps(email);
    if (user && !user.disabled && user.email) this.mailer.sendLinkInBackground('password_reset', user);
  }

  /**
   * `findByEmail`, plus a lookup of a random id when nobody has the email: stores like `RedisUserStore` read
   * an unknown email in one round trip and a known one in two, which would time the answer apart.
   */
  private async findByEmailInConstantSteps(email: string): Promise<StoredUser | null> {
    const user = await this.users.findByEmail(email);
    if (!user) await this.users.findById(randomUUID());
    return user;
  }

  /**
   * `POST /auth/password/reset`: sets a new password with a reset token. The policy is checked before the
   * token is used (a weak password does not burn it); the token is consumed atomically (of concurrent
   * resets with one token exactly one succeeds), must still match the user's credentials, and every session
   * of the user ends. Marks the email verified (the mail reached it). Throws `OneTimeTokenInvalidError`.
   */
  async resetPassword(token: unknown, newPassword: unknown, client: ClientInfo = {}): Promise<void> {
    const parsed = parseOneTimeToken('password_reset', token);
    if (!parsed) throw new OneTimeTokenInvalidError();
    if (typeof newPassword !== 'string') throw new ValidationFailedError(['password must be a string']);
    const user = await this.users.findById(parsed.userId);
    if (!user || user.disabled) throw new OneTimeTokenInvalidError();
    this.identity.passwordPolicy.check(newPassword, { email: user.email ?? undefined });
    const passwordHash = await this.hasher.hash(newPassword);
    await this.consume('password_reset', parsed);
    await this.users.setPasswordHash(user.id, passwordHash);
    if (!user.emailVerified) await this.users.markEmailVerified?.(user.id);
    // Every session ends, and the new credential version becomes the floor: a login that raced the reset
    // under the old password cannot create a session that outlives it.
    const updated = await this.users.findById(user.id);
    const revokedSessions = await this.sessions.revokeAll(user.id, { credentialVersion: updated ? credentialVersionOf(updated) : undefined });
    await this.tokens.revoke('email_verification', user.id);
    this.auth.emit(RecoveryEvent.PasswordReset, { userId: user.id, revokedSessions }, client);
  }

  /**
   * `POST /auth/email/verify/request`: mails a verification link. With a principal, to that user; without,
   * to the account of `email` if it exists and is unverified (same answer and timing otherwise; throttled
   * per ip and per email). Nothing is sent for a verified email.
   */
  async requestEmailVerification(target: { principal?: AuthenticatedUser; email?: unknown }, client: ClientInfo = {}): Promise<void> {
    let user: StoredUser | null;
    if (target.principal) {
      user = await this.users.findById(target.principal.id);
      if (!user || user.disabled) throw new SessionRevokedError();
      await this.throttle('emailVerification', user.email ?? `id:${user.id}`, client);
    } else {
      const email = checkEmail(target.email);
      await this.throttle('emailVerification', email, client);
      user = await this.findByEmailInConstantSteps(email);
    }
    if (user && !user.disabled && user.email && !user.emailVerified) this.mailer.sendLinkInBackground('email_verification', user);
  }

  /** `POST /auth/email/verify`: marks the email verified with a verification token (single use, bound to that email). */
  async verifyEmail(token: unknown, client: ClientInfo = {}): Promise<void> {
    const parsed = parseOneTimeToken('email_verification', token);
    if (!parsed) throw new OneTimeTokenInvalidError();
    const user = await this.users.findById(parsed.userId);
    if (!user || user.disabled || !user.email || !this.users.markEmailVerified) throw new OneTimeTokenInvalidError();
    const current = await this.consume('email_verification', parsed);
    await this.users.markEmailVerified(current.id);
    this.auth.emit(RecoveryEvent.EmailVerified, { userId: current.id, email: current.email ?? user.email }, client);
  }

  /**
   * `DELETE /auth/account`: deletes the signed-in user, its identities, sessions and tokens. An account with
   * a password must give it (a wrong one counts as a failed login); one without (OAuth only) must have signed
   * in within `accountDeletion.recentLoginSeconds` on this session (`ReauthenticationRequiredError`).
   */
  async deleteAccount(principal: AuthenticatedUser, password: unknown, client: ClientInfo = {}): Promise<void> {
    const user = await this.users.findById(principal.id);
    if (!user) throw new SessionRevokedError();
    if (user.passwordHash) {
      if (typeof password !== 'string' || password.length === 0 || password.length > 1024) throw new InvalidCredentialsError();
      const hash = user.passwordHash;
      await throttledLogin(this.loginThrottler, { email: user.email ?? `id:${user.id}`, ip: client.ip }, async () => {
        if (!(await this.hasher.verify(hash, password))) throw new InvalidCredentialsError();
      });
    } else {
      const session = (await this.sessions.list(user.id)).find((s) => s.id === principal.sessionId);
      if (!session) throw new SessionRevokedError();
      if (Date.now() - session.createdAt > this.options.accountDeletion.recentLoginSeconds * 1000) throw new ReauthenticationRequiredError();
    }
    await this.deletion.deleteUser(user.id, { client, sessionId: principal.sessionId });
  }

  /** Whether the user store can delete users (else the deletion route answers 404). */
  get canDeleteUsers(): boolean {
    return this.deletion.supported;
  }

  /**
   * Consumes the token, then checks it against the user's credentials as they are NOW (re-read after the
   * consume, so a password change that landed meanwhile voids it too).
   */
  private async consume(kind: OneTimeTokenKind, parsed: { userId: string; hash: string }): Promise<StoredUser> {
    const consumed = await this.tokens.consume({ kind, userId: parsed.userId, hash: parsed.hash });
    if (!consumed) throw new OneTimeTokenInvalidError();
    const user = await this.users.findById(parsed.userId);
    if (!user || user.disabled || consumed.binding !== credentialStamp(user)) throw new OneTimeTokenInvalidError();
    return user;
  }

  /** Charges the request to the route's ip and email counters (every request counts); `TooManyRequestsError` when full. */
  private async throttle(route: 'passwordForgot' | 'emailVerification', email: string, client: ClientInfo): Promise<void> {
    try {
      await throttleRoute(this.routeThrottle, this.routeLimits, route, { ip: client.ip === undefined ? undefined : clientIpKey(client.ip), email });
    } catch (error) {
      if (error instanceof TooManyRequestsError) {
        const action = route === 'passwordForgot' ? 'password_forgot' : 'email_verification';
        this.auth.emit(KernelEvent.Throttled, { action, retryAfterSeconds: error.retryAfterSeconds, email }, client);
      }
      throw error;
    }
  }
}

function checkEmail(raw: unknown): string {
  const email = parseEmail(raw);
  if (email === null) throw new ValidationFailedError(['email must be an email']);
  return email;
}
