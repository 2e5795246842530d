import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ClientInfo } from '../../core/auth.types';
import { ValidationFailedError } from '../../core/errors/auth.errors';
import { AuthEvent } from '../../core/events/auth-event.names';
import type { ReauthenticationProof, SecondFactors, SecondFactorSummary } from '../../core/sessions/second-factors';
import { MFA_OPTIONS, type ResolvedMfaOptions } from './mfa.options';
import { MfaEvent } from './mfa.events';
import { MfaEnrolmentContext } from './mfa-enrolment.service';
import { MfaChallengeStore, MfaFactorStore, methodsOf } from './mfa-store.interface';
import { MfaVerifier } from './mfa-verifier';

/**
 * The MFA feature as the kernel's `SECOND_FACTORS`: step-up with a TOTP code (`amr` otp + mfa) or a recovery code
 * (mfa), checked as a sign-in's second factor is (per-user throttle, a step never twice, a recovery code once, with
 * its mail and event); whether a user has a factor (`@RequireRecentAuth({ secondFactor: true })`); and removing the
 * factors of an account being secured from a possible squatter, or deleted.
 */
@Injectable()
export class MfaSecondFactors implements SecondFactors, OnModuleInit {
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(MFA_OPTIONS) private readonly options: ResolvedMfaOptions,
    @Inject(MfaFactorStore) private readonly factors: MfaFactorStore,
    @Inject(MfaChallengeStore) private readonly challenges: MfaChallengeStore,
    private readonly verifier: MfaVerifier,
    private readonly context: MfaEnrolmentContext,
  ) {}

  /** A deleted account's factors and failure counts go with it (nothing of a deleted user is kept). */
  onModuleInit(): void {
    this.context.events.subscribe(AuthEvent.AccountDeleted, ({ userId }) => {
      Promise.all([this.factors.removeAll(userId), this.challenges.clearFailures(userId)]).catch((error: unknown) => {
        // The user is gone already: what is left is unreachable ciphertext, but say so (no id of a secret, no secret).
        this.logger.error(`Could not remove the second factors of a deleted account: ${error instanceof Error ? error.name : 'error'}`);
      });
    });
  }

  async enrolled(userId: string): Promise<boolean> {
    if (!this.options.enabled) return false;
    return (await this.factors.factors(userId, Date.now())).totpSecret !== null;
  }

  /** `GET /auth/me`'s `mfa` (as `GET /auth/mfa` tells it); undefined while the feature is off. */
  async summary(userId: string): Promise<SecondFactorSummary | undefined> {
    if (!this.options.enabled) return undefined;
    const factors = await this.factors.factors(userId, Date.now());
    return { enrolled: factors.totpSecret !== null, methods: methodsOf(factors), recoveryCodesLeft: factors.recoveryCodesLeft };
  }

  async reauthenticate(userId: string, proof: ReauthenticationProof, client: ClientInfo): Promise<readonly string[]> {
    if (!this.options.enabled) throw new ValidationFailedError(['give password']);
    const now = Date.now();
    await this.verifier.checkThrottle(userId, client, now);
    const factor = await this.verifier.verify(userId, { code: proof.code, recoveryCode: proof.recoveryCode }, null, client, now);
    this.context.events.emitFor(client, MfaEvent.MfaVerified, { userId, method: factor.method, purpose: 'reauthenticate' });
    if (factor.recoveryCodesLeft !== undefined) {
      this.context.events.emitFor(client, MfaEvent.MfaRecoveryCodeUsed, { userId, recoveryCodesLeft: factor.recoveryCodesLeft });
      this.context.notices.sendInBackground(userId, 'mfa_recovery_code_used', { recoveryCodesLeft: factor.recoveryCodesLeft });
    }
    return factor.method === 'totp' ? ['otp', 'mfa'] : ['mfa'];
  }

  /** Every factor goes (an event, no mail: the mailbox owner is the one securing the account). */
  async removeAll(userId: string, client: ClientInfo): Promise<void> {
    const had = await this.factors.removeAll(userId);
    await this.challenges.clearFailures(userId);
    if (had) this.context.events.emitFor(client, MfaEvent.MfaDisabled, { userId });
  }
}
