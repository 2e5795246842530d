import { Inject, Injectable } from '@nestjs/common';
import { EmailUnverifiedError } from '../errors/auth.errors';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../options/account.options';
import type { SignInAttempt, SignInStep } from './sign-in-step';

/**
 * The `requireVerifiedEmail` rule: a password account whose email is not verified may not hold a session. What
 * the sign-in step applies to password sign-ins and registrations, and a refresh to the session's user.
 */
export function mustVerifyEmailFirst(
  account: Pick<ResolvedAccountOptions, 'requireVerifiedEmail'>, user: { emailVerified: boolean }, hasPassword: boolean,
): boolean {
  return account.requireVerifiedEmail && hasPassword && !user.emailVerified;
}

/**
 * `requireVerifiedEmail`: a password sign-in (or a registration) of an account whose email is not verified is
 * refused (`EmailUnverifiedError`, 403), after the password check. OAuth sign-ins are let through (the
 * provider's email rules apply there). `RegistrationService` answers a registration under the rule without
 * signing in at all (201 `verification_required`, no tokens); an app's own registration through the pipeline
 * meets this step.
 */
@Injectable()
export class VerifiedEmailStep implements SignInStep {
  constructor(@Inject(ACCOUNT_OPTIONS) private readonly account: Pick<ResolvedAccountOptions, 'requireVerifiedEmail'>) {}

  run(attempt: SignInAttempt): void {
    if (attempt.method !== 'password') return;
    if (mustVerifyEmailFirst(this.account, attempt.user, attempt.hasPassword)) throw new EmailUnverifiedError();
  }
}

/** `hooks.beforeLogin`: may refuse a password or OAuth sign-in (not the one that follows a registration: `beforeRegister` ran). */
@Injectable()
export class BeforeLoginHookStep implements SignInStep {
  constructor(@Inject(ACCOUNT_OPTIONS) private readonly account: Pick<ResolvedAccountOptions, 'hooks'>) {}

  async run(attempt: SignInAttempt): Promise<void> {
    const hook = this.account.hooks.beforeLogin;
    if (!hook || attempt.kind === 'registration') return;
    await hook({ user: structuredClone(attempt.user), method: attempt.method, provider: attempt.provider, client: { ...attempt.client } });
  }
}
