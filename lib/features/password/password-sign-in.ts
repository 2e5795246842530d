import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientInfo } from '../../core/auth.types';
import { AuthError, InvalidCredentialsError, StoreUnavailableError, TooManyAttemptsError } from '../../core/errors/auth.errors';
import { AuthEvent } from '../../core/events/auth-event.names';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import type { SecurityLog } from '../../core/events/security-log';
import { LoginThrottler } from '../../core/ports/login-throttler.interface';
import type { StoredUser } from '../../core/ports/user-store.interface';
import { SignInPipeline } from '../../core/sign-in/sign-in-pipeline';
import type { SignInOutcome } from '../../core/sign-in/sign-in-step';
import { throttledLogin } from '../../core/throttling/throttled-login';
import { normalizeEmail } from '../../core/users/email';
import { type Credentials, IdentityResolver } from '../../core/users/identity-resolver.service';

/**
 * Email + password sign-in: the password primary factor (`amr: ['pwd']`), then the sign-in pipeline.
 *
 * @example
 * ```ts
 * const outcome = await passwordSignIn.login({ email, password }, { ip: req.ip, userAgent });
 * if (outcome.status === 'challenge') return outcome.challenge.body; // e.g. MFA
 * return outcome.tokens;
 * ```
 */
@Injectable()
export class PasswordSignIn {
  private get security(): SecurityLog {
    return this.events.security;
  }

  constructor(
    private readonly identity: IdentityResolver,
    @Inject(LoginThrottler) private readonly throttler: LoginThrottler,
    private readonly pipeline: SignInPipeline,
    private readonly events: AuthEvents,
  ) {}

  /**
   * Password login, throttled per email+ip, ip and account (`TooManyAttemptsError` while blocked); then the
   * sign-in steps (`requireVerifiedEmail` answers `EmailUnverifiedError` after the password check,
   * `hooks.beforeLogin`, the app's steps). Failures are written as security log lines (email hashed) and
   * emitted as `LoginFailed` / `Throttled`; a success as `LoginSucceeded`.
   */
  async login(credentials: Credentials, client: ClientInfo = {}): Promise<SignInOutcome> {
    const email = typeof credentials?.email === 'string' ? normalizeEmail(credentials.email) : undefined;
    let user: StoredUser;
    try {
      // The user's lookup rides in the throttle check's round trip; it is only used once the check allows.
      const lookup = email === undefined ? undefined : this.identity.prefetchLoginUser(credentials.email);
      user = email === undefined
        ? await this.identity.login(credentials)
        : await throttledLogin(this.throttler, { email, ip: client.ip }, () => this.identity.login(credentials, lookup));
    } catch (error) {
      this.refused(error, email, client);
      throw error;
    }
    return this.pipeline.signIn({ user, method: 'password', amr: ['pwd'] }, client);
  }

  /** Logs and emits a refused login (`Throttled` or `LoginFailed`; bad input and store failures emit nothing). */
  private refused(error: unknown, email: string | undefined, client: ClientInfo): void {
    if (error instanceof InvalidCredentialsError) this.security.record('login_failed', { email, ip: client.ip });
    else if (error instanceof TooManyAttemptsError) this.security.record('login_throttled', { email, ip: client.ip });
    if (error instanceof TooManyAttemptsError) {
      this.events.emitFor(client, AuthEvent.Throttled, { action: 'login', retryAfterSeconds: error.retryAfterSeconds, email });
    } else if (error instanceof AuthError && error.code !== 'validation_failed' && !(error instanceof StoreUnavailableError)) {
      this.events.emitFor(client, AuthEvent.LoginFailed, { reason: error.code, email });
    }
  }
}
