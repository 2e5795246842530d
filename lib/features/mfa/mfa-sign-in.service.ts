import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { ClientInfo } from '../../core/auth.types';
import { credentialVersionOf } from '../../core/ports/user-store.interface';
import { SignInPipeline } from '../../core/sign-in/sign-in-pipeline';
import { type SignInMethod, SIGN_IN_STEPS, type SignInOutcome, type SignInStep } from '../../core/sign-in/sign-in-step';
import { MfaTokenInvalidError } from './mfa.errors';
import { MfaEvent } from './mfa.events';
import { MfaChallengeStep } from './mfa-challenge.step';
import { MfaEnrolmentContext, MfaEnrolmentService } from './mfa-enrolment.service';
import { MfaChallengeStore } from './mfa-store.interface';
import { clientHash, parseMfaToken } from './mfa-token';
import { type MfaProof, MfaVerifier } from './mfa-verifier';
import type { MfaMethod } from './mfa.events';

/**
 * `POST /auth/mfa/verify`: finishes a sign-in the MFA step suspended. The token must be live (not expired, not
 * used, tries left) and presented by the client it was given to; the code must pass (`MfaVerifier`); then the
 * token is used up (single use: of two requests with it, one goes on), the user re-read (a credential change
 * since the first factor voids the token) and the remaining sign-in steps run, the session's `amr` being the
 * primary factor's plus `otp` (TOTP) and `mfa`. An enrolment challenge (`mfa.required`, no factor yet) is finished
 * by `enrolSetup` + `enrolConfirm` instead.
 */
@Injectable()
export class MfaSignInService {
  private readonly step: SignInStep | undefined;

  constructor(
    private readonly verifier: MfaVerifier,
    @Inject(MfaChallengeStore) private readonly challenges: MfaChallengeStore,
    private readonly context: MfaEnrolmentContext,
    private readonly pipeline: SignInPipeline,
    private readonly enrolment: MfaEnrolmentService,
    @Inject(SIGN_IN_STEPS) steps: readonly SignInStep[],
  ) {
    this.step = steps.find((step) => step instanceof MfaChallengeStep);
  }

  async verify(mfaToken: unknown, proof: MfaProof, client: ClientInfo = {}): Promise<SignInOutcome> {
    const now = Date.now();
    // One round trip: the challenge, the user's failures and factors (all in the user's slot).
    const [token, loaded] = await Promise.all([this.pending(mfaToken, client, false), this.loadFor(mfaToken, now)]);
    await this.verifier.checkThrottle(token.userId, client, now, loaded?.failures);
    const factor = await this.verifier.verify(token.userId, proof, token.hash, client, now, loaded?.factors);
    const outcome = await this.finish(token, factor.method, client, factor.amr);
    if (factor.recoveryCodesLeft !== undefined) this.recoveryCodeUsed(token.userId, factor.recoveryCodesLeft, client);
    return outcome;
  }

  /**
   * `POST /auth/mfa/:method/options {mfaToken}`: what the client needs before it can prove `method` (a passkey's
   * request options), bound to this MFA token; 404 for a method that needs nothing or that nobody registered.
   */
  async challengeOptions(mfaToken: unknown, method: string, client: ClientInfo = {}): Promise<Readonly<Record<string, unknown>>> {
    const factor = this.context.secondFactors.methodFor(method);
    if (!factor?.challenge) throw new NotFoundException();
    const token = await this.pending(mfaToken, client, false);
    return factor.challenge(token.userId, token.hash);
  }

  /** `POST /auth/mfa/totp/setup` with the MFA token of an enrolment challenge: a new TOTP secret for its user. */
  async enrolSetup(mfaToken: unknown, client: ClientInfo = {}): Promise<{ secret: string; otpauthUrl: string }> {
    const token = await this.pending(mfaToken, client, true);
    return this.enrolment.setup(token.userId);
  }

  /**
   * `POST /auth/mfa/totp/confirm` with the MFA token of an enrolment challenge: TOTP on (a wrong code costs an
   * attempt of the token), then the sign-in finishes: its outcome and the recovery codes.
   */
  async enrolConfirm(mfaToken: unknown, code: string, client: ClientInfo = {}): Promise<{ outcome: SignInOutcome; recoveryCodes: string[] }> {
    const token = await this.pending(mfaToken, client, true);
    const { recoveryCodes } = await this.enrolment.confirm(token.userId, code, client, token.hash);
    return { outcome: await this.finish(token, 'totp', client), recoveryCodes };
  }

  /** The user's failures and factors, read alongside the challenge (nothing for a token that does not parse). */
  private loadFor(mfaToken: unknown, now: number): Promise<Awaited<ReturnType<MfaVerifier['load']>> | undefined> {
    const token = parseMfaToken(mfaToken);
    return token ? this.verifier.load(token.userId, now) : Promise.resolve(undefined);
  }

  /** The live challenge of a presented token, of the kind asked for, from the client it was given to. */
  private async pending(mfaToken: unknown, client: ClientInfo, enrol: boolean): Promise<{ userId: string; hash: string }> {
    const token = parseMfaToken(mfaToken);
    if (!token) throw new MfaTokenInvalidError();
    const pending = await this.challenges.find(token.userId, token.hash, Date.now());
    if (!pending || pending.clientHash !== clientHash(client.userAgent) || Boolean(pending.enrol) !== enrol) throw new MfaTokenInvalidError();
    return token;
  }

  /** Uses the challenge up and runs the rest of the sign-in with the second factor in the amr. */
  private async finish(token: { userId: string; hash: string }, method: MfaMethod, client: ClientInfo, proved?: readonly string[]): Promise<SignInOutcome> {
    const [record, user] = await Promise.all([this.challenges.consume(token.userId, token.hash, Date.now()), this.context.users.findById(token.userId)]);
    if (!record) throw new MfaTokenInvalidError();
    if (!user || user.disabled || credentialVersionOf(user) !== record.credentialVersion) throw new MfaTokenInvalidError();
    const amr = [...record.amr.filter((value) => value !== 'mfa' && value !== 'otp'), ...(proved ?? (method === 'totp' ? ['otp'] : [])), 'mfa'];
    const outcome = await this.pipeline.signIn(
      { user, method: record.method as SignInMethod, provider: record.provider, amr, kind: record.kind, created: record.created },
      client,
      { after: this.step },
    );
    this.context.events.emitFor(client, MfaEvent.MfaVerified, { userId: user.id, method, purpose: 'sign-in' });
    return outcome;
  }

  private recoveryCodeUsed(userId: string, left: number, client: ClientInfo): void {
    this.context.events.emitFor(client, MfaEvent.MfaRecoveryCodeUsed, { userId, recoveryCodesLeft: left });
    this.context.notices.sendInBackground(userId, 'mfa_recovery_code_used', { recoveryCodesLeft: left });
  }
}
