import { Inject, Injectable } from '@nestjs/common';
import { EmailUnverifiedError } from '../errors/auth.errors';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../options/account.options';
import type { SignInAttempt, SignInStep } from './sign-in-step';

/**
 * `requireVerifiedEmail`: a password sign-in of an account whose email is not verified is refused
 * (`EmailUnverifiedError`, 403), after the password check. The sign-in right after a registration is let
 * through (the registrant has had no chance to verify yet), and so are OAuth sign-ins (the provider's email
 * rules apply there).
 */
@Injectable()
export class VerifiedEmailStep implements SignInStep {
  constructor(@Inject(ACCOUNT_OPTIONS) private readonly account: Pick<ResolvedAccountOptions, 'requireVerifiedEmail'>) {}

  run(attempt: SignInAttempt): void {
    if (!this.account.requireVerifiedEmail || attempt.kind === 'registration' || attempt.method !== 'password') return;
    if (attempt.hasPassword && !attempt.user.emailVerified) throw new EmailUnverifiedError();
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
