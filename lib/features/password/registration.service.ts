import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientInfo, PublicUser } from '../../core/auth.types';
import { EmailTakenError } from '../../core/errors/auth.errors';
import { AuthEvent } from '../../core/events/auth-event.names';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import type { SecurityLog } from '../../core/events/security-log';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { SignInPipeline } from '../../core/sign-in/sign-in-pipeline';
import { publicUser } from '../../core/sign-in/session-issuer';
import { mustVerifyEmailFirst } from '../../core/sign-in/sign-in.steps';
import type { SignInOutcome } from '../../core/sign-in/sign-in-step';
import { clientIpKey } from '../../core/throttling/client-ip';
import { RouteLimiter } from '../../core/throttling/route-limiter';
import { normalizeEmail } from '../../core/users/email';
import { IDENTITY_OPTIONS, type ResolvedIdentityOptions } from '../../core/users/identity.options';
import { type Credentials, IdentityResolver } from '../../core/users/identity-resolver.service';

/**
 * What `RegistrationService.register` returns with `registration.emailTakenResponse: 'generic'`: the registration
 * was accepted (an account was created, or the email was taken: the answer does not say), no session is started.
 */
export interface RegistrationAccepted {
  status: 'accepted';
}

/**
 * What `RegistrationService.register` returns under `requireVerifiedEmail` for an account whose email is not
 * verified (any password registration): the account exists, no session is started, no token is issued. The
 * registrant verifies with the mailed link (and its password on the verification page), then signs in.
 */
export interface RegistrationPendingVerification {
  status: 'verification_required';
  user: PublicUser;
}

/**
 * Self-registration with email and password. The new user signs in through the sign-in pipeline (a password
 * sign-in: `amr: ['pwd']`, `kind: 'registration'`). `Registered` is emitted; the recovery feature listens to it to
 * mail a verification link (`emailVerification.sendOnRegister`).
 */
@Injectable()
export class RegistrationService {
  private get security(): SecurityLog {
    return this.events.security;
  }

  constructor(
    private readonly identity: IdentityResolver,
    private readonly limiter: RouteLimiter,
    private readonly pipeline: SignInPipeline,
    private readonly events: AuthEvents,
    @Inject(ACCOUNT_OPTIONS) private readonly account: Pick<ResolvedAccountOptions, 'hooks' | 'requireVerifiedEmail'>,
    @Inject(IDENTITY_OPTIONS) private readonly identityOptions: Pick<ResolvedIdentityOptions, 'registration'>,
  ) {}

  /**
   * Throttled per ip and per email before any hashing (`TooManyRequestsError`), then `hooks.beforeRegister`,
   * then the user (with the validated `registrationFields` as `profile`). With
   * `registration.emailTakenResponse: 'conflict'` (default) the new user signs in (the sign-in steps run), or
   * `EmailTakenError`; with `'generic'` it answers `{ status: 'accepted' }` in both cases and starts no session.
   * Under `requireVerifiedEmail` (conflict mode) no session is started either: `{ status: 'verification_required',
   * user }` (the sign-in steps run at the first login, once the email is verified).
   */
  async register(
    credentials: Credentials, client: ClientInfo = {}, fields: Record<string, unknown> = {},
  ): Promise<SignInOutcome | RegistrationAccepted | RegistrationPendingVerification> {
    const email = typeof credentials?.email === 'string' ? normalizeEmail(credentials.email) : undefined;
    await this.limiter.charge('register', { ip: clientIpKey(client.ip), email }, client);
    const beforeRegister = this.account.hooks.beforeRegister;
    if (beforeRegister && email !== undefined) await beforeRegister({ email, fields: structuredClone(fields), client: { ...client } });
    const profile = Object.keys(fields).length > 0 ? fields : undefined;
    if (this.identityOptions.registration?.emailTakenResponse !== 'generic') {
      const user = await this.identity.register(credentials, profile);
      if (mustVerifyEmailFirst(this.account, user, Boolean(user.passwordHash))) {
        // No session: the event names none (the recovery feature mails the verification link on it).
        this.events.emitFor(client, AuthEvent.Registered, { userId: user.id, sessionId: undefined as unknown as string, method: 'password' });
        return { status: 'verification_required', user: publicUser(user) };
      }
      return this.pipeline.signIn({ user, method: 'password', amr: ['pwd'], kind: 'registration', created: true }, client);
    }
    try {
      const user = await this.identity.register(credentials, profile);
      // No session: the event names none.
      this.events.emitFor(client, AuthEvent.Registered, { userId: user.id, sessionId: undefined as unknown as string, method: 'password' });
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
      this.security.record('registration_email_taken', { email, ip: client.ip });
    }
    return { status: 'accepted' };
  }
}
