import { Inject, Injectable } from '@nestjs/common';
import type { ClientInfo } from '../auth.types';
import { AuthError } from '../errors/auth.errors';
import { AuthEvent } from '../events/auth-event.names';
import { AuthEvents } from '../events/auth-events.emitter';
import { SessionIssuer, withoutSecrets } from './session-issuer';
import { type PrimaryFactor, SIGN_IN_STEPS, type SignInAttempt, type SignInOutcome, type SignInStep } from './sign-in-step';

/** Options of `SignInPipeline.signIn`. */
export interface SignInOptions {
  /**
   * Resumes a suspended sign-in: only the steps after this one run (the feature that suspended the sign-in,
   * e.g. MFA once the code is right, passes its own step). Default: every step.
   */
  after?: SignInStep;
}

/**
 * Every way in ends here: a primary factor (password, OAuth callback, registration...) has authenticated a user;
 * the sign-in steps (`SIGN_IN_STEPS`: the verified-email rule, `hooks.beforeLogin`, then the app's
 * `signInSteps`) run in order and may refuse (an `AuthError`, emitted as `LoginFailed`) or suspend the sign-in
 * with a challenge; only when every step passed does `SessionIssuer` create the session, then `Registered`
 * (a created user) and `LoginSucceeded` (not after a registration) are emitted.
 *
 * An app's own primary factor (its SSO, a custom token exchange) signs users in here too, so every step applies.
 *
 * @example
 * ```ts
 * const outcome = await pipeline.signIn({ user, method: 'oauth', provider: 'acme-sso', amr: ['oauth'] }, { ip: req.ip });
 * if (outcome.status === 'challenge') return outcome.challenge.body;
 * return outcome.tokens;
 * ```
 */
@Injectable()
export class SignInPipeline {
  constructor(
    private readonly issuer: SessionIssuer,
    private readonly events: AuthEvents,
    @Inject(SIGN_IN_STEPS) private readonly steps: readonly SignInStep[],
  ) {}

  async signIn(factor: PrimaryFactor, client: ClientInfo = {}, options: SignInOptions = {}): Promise<SignInOutcome> {
    const { user, method, provider } = factor;
    const attempt: SignInAttempt = Object.freeze({
      user: Object.freeze(withoutSecrets(user)),
      hasPassword: Boolean(user.passwordHash),
      method,
      provider,
      amr: Object.freeze([...factor.amr]),
      kind: factor.kind ?? 'sign-in',
      created: factor.created ?? false,
      client: Object.freeze({ ...client }),
    });
    const start = options.after ? this.steps.indexOf(options.after) + 1 : 0;
    for (const step of this.steps.slice(start)) {
      let result;
      try {
        result = await step.run(attempt);
      } catch (error) {
        if (error instanceof AuthError) {
          this.events.emitFor(client, AuthEvent.LoginFailed, { reason: error.code, email: user.email ?? undefined, userId: user.id });
        }
        throw error;
      }
      if (result) return { status: 'challenge', challenge: result };
    }
    const { sessionId, tokens } = await this.issuer.issue(user, { amr: factor.amr }, client);
    if (factor.created) this.events.emitFor(client, AuthEvent.Registered, { userId: user.id, sessionId, method, provider });
    if (attempt.kind !== 'registration') this.events.emitFor(client, AuthEvent.LoginSucceeded, { userId: user.id, sessionId, method, provider });
    return { status: 'signed_in', tokens, sessionId };
  }
}
