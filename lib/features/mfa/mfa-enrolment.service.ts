import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { ReauthenticationRequiredError, UserNotFoundError } from '../../core/errors/auth.errors';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { UserStore } from '../../core/ports/user-store.interface';
import { type SecondFactorMethod, SecondFactorRegistry } from '../../core/sessions/second-factors';
import { MFA_OPTIONS, type ResolvedMfaOptions } from './mfa.options';
import { MfaAlreadyEnabledError, MfaCodeInvalidError, MfaNotEnabledError, MfaSetupRequiredError } from './mfa.errors';
import { MfaEvent } from './mfa.events';
import { MfaNoticeMailer } from './mfa-notice.mailer';
import { MfaSecretCipher } from './mfa-secret.cipher';
import { MfaChallengeStore, MfaFactorStore } from './mfa-store.interface';
import { type MfaProof, MfaVerifier } from './mfa-verifier';
import { newRecoveryCodes } from './recovery-codes';
import { base32Encode, matchTotp, newTotpSecret, otpauthUrl } from './totp';

/** `GET /auth/mfa`: the user's factors (other features' too, e.g. `passkeys`: how many). */
export interface MfaStatus {
  totp: boolean;
  recoveryCodesLeft: number;
  /** What `POST /auth/mfa/verify` would accept. */
  methods: string[];
  readonly [kind: string]: unknown;
}

/** What enrolment tells and asks of the rest of the module (grouped to keep the service's constructor short). */
@Injectable()
export class MfaEnrolmentContext {
  constructor(
    @Inject(UserStore) readonly users: UserStore,
    readonly events: AuthEvents,
    readonly notices: MfaNoticeMailer,
    /** Every feature's second factors (the MFA feature's own among them). */
    readonly secondFactors: SecondFactorRegistry,
  ) {}
}

/**
 * A user's own second factors: set up TOTP (`setup`: a new secret, shown once, kept encrypted until confirmed),
 * turn it on with a first code (`confirm`: the code's step counts as used; 10 recovery codes), see them
 * (`status`), replace the recovery codes or remove everything (a current code or a recovery code needed), and
 * the admin's reset.
 */
@Injectable()
export class MfaEnrolmentService {
  constructor(
    @Inject(MFA_OPTIONS) private readonly options: ResolvedMfaOptions,
    @Inject(MfaFactorStore) private readonly factors: MfaFactorStore,
    @Inject(MfaChallengeStore) private readonly challenges: MfaChallengeStore,
    private readonly cipher: MfaSecretCipher,
    private readonly verifier: MfaVerifier,
    private readonly context: MfaEnrolmentContext,
  ) {}

  async status(userId: string): Promise<MfaStatus> {
    const [status, methods] = await Promise.all([this.context.secondFactors.status(userId), this.context.secondFactors.methods(userId)]);
    return { totp: false, recoveryCodesLeft: 0, ...status, methods };
  }

  /**
   * A new TOTP secret for `principal` (a sign-in at most `recentAuthSeconds` old), or for the user of an enrolment
   * challenge (`principal` a user id: `MfaSignInService.enrolSetup` checked the MFA token): the base32 secret and its
   * `otpauth://` URI, shown this once; kept encrypted until confirmed or `setupTtlSeconds` passed.
   */
  async setup(principal: AuthenticatedUser | string): Promise<{ secret: string; otpauthUrl: string }> {
    const now = Date.now();
    const userId = typeof principal === 'string' ? principal : principal.id;
    if (typeof principal !== 'string' && (principal.authTime === undefined || now - principal.authTime > this.options.recentAuthSeconds * 1000)) {
      throw new ReauthenticationRequiredError('Sign in again to set up two-factor authentication');
    }
    const current = await this.factors.factors(userId, now);
    if (current.totpSecret) throw new MfaAlreadyEnabledError();
    const user = await this.context.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    const secret = newTotpSecret();
    await this.factors.savePendingTotp(userId, this.cipher.encrypt(secret, userId), now + this.options.setupTtlSeconds * 1000);
    const base32 = base32Encode(secret);
    secret.fill(0);
    return { secret: base32, otpauthUrl: otpauthUrl(base32, this.options.issuer, user.email ?? user.id) };
  }

  /**
   * Turns TOTP on with a code of the pending secret: 10 recovery codes (shown once). A wrong code counts as a failure
   * of the user (and of the enrolment challenge `tokenHash`, when enrolling with an MFA token).
   */
  async confirm(userId: string, code: string, client: ClientInfo = {}, tokenHash: string | null = null): Promise<{ recoveryCodes: string[] }> {
    const now = Date.now();
    await this.verifier.checkThrottle(userId, client, now);
    const factors = await this.factors.factors(userId, now);
    if (factors.totpSecret) throw new MfaAlreadyEnabledError();
    const secret = factors.pendingTotpSecret === null ? null : this.cipher.decrypt(factors.pendingTotpSecret, userId);
    if (!secret) throw new MfaSetupRequiredError();
    const step = matchTotp(secret, code, now, this.options.totpWindow);
    secret.fill(0);
    const { codes, hashes } = newRecoveryCodes();
    const result = step === null ? 'wrong' : await this.factors.confirmTotp(userId, { step, recoveryCodeHashes: hashes, now });
    if (result === 'no_pending') throw new MfaSetupRequiredError();
    if (result !== 'confirmed') {
      await this.challenges.fail(userId, tokenHash, { now, windowMs: this.options.failureWindowSeconds * 1000 });
      this.context.events.emitFor(client, MfaEvent.MfaFailed, { userId, reason: MfaCodeInvalidError.code });
      throw new MfaCodeInvalidError();
    }
    this.context.events.emitFor(client, MfaEvent.MfaEnrolled, { userId });
    this.context.notices.sendInBackground(userId, 'mfa_enabled');
    return { recoveryCodes: codes };
  }

  /**
   * A new set of recovery codes (the old set is void). `proof`: a current code or an unused recovery code, or null
   * when the caller checked a recent use of the second factor (the route's step-up).
   */
  async regenerateRecoveryCodes(userId: string, proof: MfaProof | null, client: ClientInfo = {}): Promise<{ recoveryCodes: string[] }> {
    await this.prove(userId, proof, 'recovery_codes', client);
    const { codes, hashes } = newRecoveryCodes();
    if (!(await this.factors.replaceRecoveryCodes(userId, hashes))) throw new MfaNotEnabledError();
    return { recoveryCodes: codes };
  }

  /** Removes every factor; `proof` as for `regenerateRecoveryCodes`. */
  async disable(userId: string, proof: MfaProof | null, client: ClientInfo = {}): Promise<void> {
    await this.prove(userId, proof, 'disable', client);
    await this.factors.removeAll(userId);
    this.context.events.emitFor(client, MfaEvent.MfaDisabled, { userId });
    this.context.notices.sendInBackground(userId, 'mfa_disabled', { by: 'user' });
  }

  /** An admin removes a user's factors (the user enrols again). False when the user had none. */
  async adminReset(userId: string, actorId: string, client: ClientInfo = {}): Promise<boolean> {
    if (!(await this.context.users.findById(userId))) throw new UserNotFoundError();
    // Other features' factors (passkeys) go too, each with its own event.
    const others = await this.context.secondFactors.removeAll(userId, client, { actorId, except: this.ownMethod() });
    const had = await this.factors.removeAll(userId);
    await this.challenges.clearFailures(userId);
    if (had) {
      this.context.events.emitFor(client, MfaEvent.MfaDisabled, { userId, actorId });
    }
    if (had || others) this.context.notices.sendInBackground(userId, 'mfa_disabled', { by: 'admin' });
    return had || others;
  }

  /** The MFA feature's own entry of the registry (the one that checks `code`). */
  private ownMethod(): SecondFactorMethod | undefined {
    return this.context.secondFactors.methodFor({ code: '' });
  }

  private async prove(userId: string, proof: MfaProof | null, purpose: 'disable' | 'recovery_codes', client: ClientInfo): Promise<void> {
    const now = Date.now();
    if (!(await this.factors.factors(userId, now)).totpSecret) throw new MfaNotEnabledError();
    if (proof === null) return;
    await this.verifier.checkThrottle(userId, client, now);
    const factor = await this.verifier.verify(userId, proof, null, client, now);
    this.context.events.emitFor(client, MfaEvent.MfaVerified, { userId, method: factor.method, purpose });
    if (factor.recoveryCodesLeft !== undefined) {
      this.context.events.emitFor(client, MfaEvent.MfaRecoveryCodeUsed, { userId, recoveryCodesLeft: factor.recoveryCodesLeft });
    }
  }
}
