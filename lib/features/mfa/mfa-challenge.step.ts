import { Inject, Injectable } from '@nestjs/common';
import { credentialVersionOf } from '../../core/ports/user-store.interface';
import { SecondFactorRegistry } from '../../core/sessions/second-factors';
import type { SignInAttempt, SignInChallenge, SignInStep } from '../../core/sign-in/sign-in-step';
import { MFA_OPTIONS, type ResolvedMfaOptions } from './mfa.options';
import { mfaRequiredFor } from './mfa-policy';
import { MfaChallengeStore, MfaFactorStore, methodsOf } from './mfa-store.interface';
import { clientHash, newMfaToken } from './mfa-token';

/** The cookie an OAuth callback leaves the pending sign-in in (HttpOnly, Path: the auth routes, `challengeTtlSeconds`). */
export const MFA_PENDING_COOKIE = 'authkit_mfa';

/**
 * The sign-in step of the MFA feature: after any primary factor, a user with TOTP on does not get a session but a
 * challenge, `{ mfaRequired: true, mfaToken, methods, expiresIn }` (200, no tokens, no refresh cookie), and the
 * pending sign-in is stored (`MfaChallengeStore`, by the token's hash) for `POST /auth/mfa/verify` to finish.
 * A user `mfa.required` covers who has no factor yet gets an enrolment challenge instead
 * (`{ mfaRequired: true, mfaEnrolmentRequired: true, mfaToken, methods: [] }`): with the token they can only set up
 * and confirm TOTP (`POST /auth/mfa/totp/setup` and `/confirm` with `mfaToken`), which finishes the sign-in.
 */
@Injectable()
export class MfaChallengeStep implements SignInStep {
  constructor(
    @Inject(MFA_OPTIONS) private readonly options: ResolvedMfaOptions,
    @Inject(MfaFactorStore) private readonly factors: MfaFactorStore,
    @Inject(MfaChallengeStore) private readonly challenges: MfaChallengeStore,
    private readonly secondFactors: SecondFactorRegistry,
  ) {}

  async run(attempt: SignInAttempt): Promise<SignInChallenge | undefined> {
    // A sign-in whose primary factor proved two already (a passkey with user verification) needs no second one.
    if (!this.options.enabled || attempt.amr.includes('mfa')) return undefined;
    const now = Date.now();
    const [factors, others] = await Promise.all([
      this.factors.factors(attempt.user.id, now), this.secondFactors.methods(attempt.user.id, this.secondFactors.methodFor({ code: '' })),
    ]);
    // A user `mfa.required` covers who has no factor yet gets an enrolment challenge: no session until enrolled.
    const enrol = !factors.totpSecret && others.length === 0;
    if (enrol && !mfaRequiredFor(this.options.required, attempt.user.roles)) return undefined;
    const { token, hash } = newMfaToken(attempt.user.id);
    const expiresInSeconds = this.options.challengeTtlSeconds;
    await this.challenges.create(hash, {
      userId: attempt.user.id,
      credentialVersion: credentialVersionOf(attempt.user),
      method: attempt.method,
      provider: attempt.provider,
      amr: [...attempt.amr],
      kind: attempt.kind,
      created: attempt.created,
      clientHash: clientHash(attempt.client.userAgent),
      enrol,
    }, { expiresAt: now + expiresInSeconds * 1000, maxAttempts: this.options.maxAttemptsPerChallenge });
    const methods = [...methodsOf(factors), ...others];
    const body = enrol
      ? { mfaRequired: true, mfaEnrolmentRequired: true, mfaToken: token, methods, expiresIn: expiresInSeconds }
      : { mfaRequired: true, mfaToken: token, methods, expiresIn: expiresInSeconds };
    return {
      challenge: 'mfa',
      body,
      cookie: { name: MFA_PENDING_COOKIE, value: token, maxAgeSeconds: expiresInSeconds },
    };
  }
}
