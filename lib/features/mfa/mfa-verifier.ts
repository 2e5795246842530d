import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientInfo } from '../../core/auth.types';
import { TooManyAttemptsError } from '../../core/errors/auth.errors';
import { AuthEvent } from '../../core/events/auth-event.names';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { SecondFactorRegistry } from '../../core/sessions/second-factors';
import { MFA_OPTIONS, type ResolvedMfaOptions } from './mfa.options';
import { MfaCodeInvalidError } from './mfa.errors';
import { MfaEvent, type MfaMethod } from './mfa.events';
import { MfaSecretCipher } from './mfa-secret.cipher';
import { MfaChallengeStore, type MfaFactors, MfaFactorStore } from './mfa-store.interface';
import { recoveryCodeHash } from './recovery-codes';
import { matchTotp } from './totp';

/** A second factor as presented: a TOTP code, a recovery code, or another feature's proof (a `passkey`). */
export interface MfaProof {
  code?: string;
  recoveryCode?: string;
  passkey?: Readonly<Record<string, unknown>>;
}

/** A proof that passed. */
export interface VerifiedFactor {
  method: MfaMethod;
  /** Recovery codes left, when one was used. */
  recoveryCodesLeft?: number;
  /** The `amr` another feature's factor proved (a passkey: `hwk`, `mfa`). */
  amr?: readonly string[];
}

/**
 * Checks a second factor for a user, for a sign-in (`POST /auth/mfa/verify`) or a management action: the user's
 * failures (every MFA token and action together) are throttled first (`TooManyAttemptsError`, 429 + Retry-After);
 * a TOTP code must match a step of the window AND be later than every step accepted before (atomic in the store,
 * so two requests with one code cannot both pass); a recovery code is used up atomically. A wrong code costs one
 * attempt of the MFA token (when there is one) and one failure of the user (`MfaCodeInvalidError`, `MfaFailed`).
 */
@Injectable()
export class MfaVerifier {
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(MFA_OPTIONS) private readonly options: ResolvedMfaOptions,
    @Inject(MfaFactorStore) private readonly factors: MfaFactorStore,
    @Inject(MfaChallengeStore) private readonly challenges: MfaChallengeStore,
    private readonly cipher: MfaSecretCipher,
    private readonly events: AuthEvents,
    private readonly secondFactors: SecondFactorRegistry,
  ) {}

  /** What a verification reads first, in one round trip: the user's failures and factors. */
  async load(userId: string, now: number): Promise<{ failures: { count: number; resetAt: number }; factors: MfaFactors }> {
    const [failures, factors] = await Promise.all([this.challenges.failures(userId, now), this.factors.factors(userId, now)]);
    return { failures, factors };
  }

  /** Refuses (429) while the user's failures are at the limit (`failures`: as `load` read them). */
  async checkThrottle(userId: string, client: ClientInfo, now = Date.now(), loaded?: { count: number; resetAt: number }): Promise<void> {
    const failures = loaded ?? (await this.challenges.failures(userId, now));
    if (failures.count < this.options.maxUserFailures) return;
    const error = new TooManyAttemptsError(failures.resetAt - now);
    this.events.emitFor(client, AuthEvent.Throttled, { action: 'mfa', retryAfterSeconds: error.retryAfterSeconds, userId });
    throw error;
  }

  /** The factor `proof` shows, or `MfaCodeInvalidError` (after counting the failure against `tokenHash` and the user). */
  async verify(userId: string, proof: MfaProof, tokenHash: string | null, client: ClientInfo, now = Date.now(), loaded?: MfaFactors): Promise<VerifiedFactor> {
    // Another feature's factor (a passkey) is checked by that feature; its refusal counts as a failure here too.
    const other = proof.passkey === undefined ? undefined : this.secondFactors.methodFor(proof);
    if (other) {
      try {
        return { method: 'passkey', amr: await other.verify(userId, proof, { purpose: 'sign-in', binding: tokenHash, client }) };
      } catch (error) {
        await this.challenges.fail(userId, tokenHash, { now, windowMs: this.options.failureWindowSeconds * 1000 });
        throw error;
      }
    }
    const verified = proof.passkey === undefined ? await this.check(userId, proof, now, loaded) : null;
    if (verified) return verified;
    const { attemptsLeft } = await this.challenges.fail(userId, tokenHash, { now, windowMs: this.options.failureWindowSeconds * 1000 });
    this.events.emitFor(client, MfaEvent.MfaFailed, { userId, reason: MfaCodeInvalidError.code, ...(tokenHash === null ? {} : { attemptsLeft }) });
    throw new MfaCodeInvalidError();
  }

  private async check(userId: string, proof: MfaProof, now: number, loaded?: MfaFactors): Promise<VerifiedFactor | null> {
    const factors = loaded ?? (await this.factors.factors(userId, now));
    if (!factors.totpSecret) return null;
    if (typeof proof.recoveryCode === 'string') {
      const hash = recoveryCodeHash(proof.recoveryCode);
      const left = hash === null ? null : await this.factors.useRecoveryCode(userId, hash);
      return left === null ? null : { method: 'recovery_code', recoveryCodesLeft: left };
    }
    if (typeof proof.code !== 'string') return null;
    const secret = this.cipher.decrypt(factors.totpSecret, userId);
    if (!secret) {
      // A key missing from mfa.encryptionKeys (or a record altered in the store): no code can pass. Said once per call, no secret in it.
      this.logger.error(`A TOTP secret cannot be decrypted (user ${userId}): is its key still in mfa.encryptionKeys?`);
      return null;
    }
    const step = matchTotp(secret, proof.code, now, this.options.totpWindow);
    secret.fill(0);
    if (step === null || !(await this.factors.acceptStep(userId, step))) return null;
    return { method: 'totp' };
  }
}
