import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ClientInfo } from '../../core/auth.types';
import { ValidationFailedError } from '../../core/errors/auth.errors';
import { AuthEvent } from '../../core/events/auth-event.names';
import { type ReauthenticationProof, type SecondFactorCheck, type SecondFactorMethod, SecondFactorRegistry } from '../../core/sessions/second-factors';
import { MFA_OPTIONS, type ResolvedMfaOptions } from './mfa.options';
import { mfaRequiredFor } from './mfa-policy';
import { MfaEvent } from './mfa.events';
import { MfaEnrolmentContext } from './mfa-enrolment.service';
import { MfaChallengeStore, MfaFactorStore, methodsOf } from './mfa-store.interface';
import { MfaVerifier } from './mfa-verifier';

/**
 * The MFA feature's second factors in the kernel's `SecondFactorRegistry` (registered at start-up): step-up with a TOTP code (`amr` otp + mfa) or a recovery code
 * (mfa), checked as a sign-in's second factor is (per-user throttle, a step never twice, a recovery code once, with
 * its mail and event); whether a user has a factor (`@RequireRecentAuth({ secondFactor: true })`); and removing the
 * factors of an account being secured from a possible squatter, or deleted.
 */
@Injectable()
export class MfaSecondFactors implements SecondFactorMethod, OnModuleInit {
  readonly proofs = ['code', 'recoveryCode'] as const;
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(MFA_OPTIONS) private readonly options: ResolvedMfaOptions,
    @Inject(MfaFactorStore) private readonly factors: MfaFactorStore,
    @Inject(MfaChallengeStore) private readonly challenges: MfaChallengeStore,
    private readonly verifier: MfaVerifier,
    private readonly context: MfaEnrolmentContext,
    private readonly registry: SecondFactorRegistry,
  ) {}

  /** A deleted account's factors and failure counts go with it (nothing of a deleted user is kept). */
  onModuleInit(): void {
    if (this.options.enabled) this.registry.register(this);
    this.context.events.subscribe(AuthEvent.AccountDeleted, ({ userId }) => {
      Promise.all([this.factors.removeAll(userId), this.challenges.clearFailures(userId)]).catch((error: unknown) => {
        // The user is gone already: what is left is unreachable ciphertext, but say so (no id of a secret, no secret).
        this.logger.error(`Could not remove the second factors of a deleted account: ${error instanceof Error ? error.name : 'error'}`);
      });
    });
  }

  async methods(userId: string): Promise<readonly string[]> {
    return methodsOf(await this.factors.factors(userId, Date.now()));
  }

  async status(userId: string): Promise<{ totp: boolean; recoveryCodesLeft: number }> {
    const factors = await this.factors.factors(userId, Date.now());
    return { totp: factors.totpSecret !== null, recoveryCodesLeft: factors.recoveryCodesLeft };
  }

  requiredFor(user: { roles: readonly string[] }): boolean {
    return this.options.enabled && mfaRequiredFor(this.options.required, [...user.roles]);
  }

  /** Step-up (`check.purpose` `reauthenticate`) with a code or a recovery code. */
  async verify(userId: string, proof: ReauthenticationProof, { client }: SecondFactorCheck): Promise<readonly string[]> {
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
  async removeAll(userId: string, client: ClientInfo): Promise<boolean> {
    const had = await this.factors.removeAll(userId);
    await this.challenges.clearFailures(userId);
    if (had) this.context.events.emitFor(client, MfaEvent.MfaDisabled, { userId });
    return had;
  }
}
