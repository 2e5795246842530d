import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type AuthenticationResponseJSON, generateAuthenticationOptions, generateRegistrationOptions, type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON, verifyAuthenticationResponse, verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { AuthenticatorTransportFuture } from '@simplewebauthn/server';
import type { ClientInfo } from '../../core/auth.types';
import { AuthError } from '../../core/errors/auth.errors';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { PASSKEY_OPTIONS, type ResolvedPasskeyOptions } from './passkeys.options';
import {
  PasskeyAlreadyRegisteredError, PasskeyChallengeInvalidError, PasskeyCounterInvalidError, PasskeyInvalidError, PasskeyLimitReachedError,
} from './passkeys.errors';
import { PasskeyEvent } from './passkeys.events';
import { readResponse, userHandleOf, userIdOf } from './passkey-response';
import { type PasskeyChallengeRecord, PasskeyChallengeStore, PasskeyCredentialStore, type StoredPasskey } from './passkey-store.interface';

/** ES256 and RS256 (what platform authenticators and security keys use), and Ed25519. */
const ALGORITHMS = [-7, -257, -8];
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

/** What an assertion is expected to be: the ceremony it answers, and the user when one is known. */
export interface ExpectedAssertion {
  purpose: PasskeyChallengeRecord['purpose'];
  /** The user it must belong to (second factor, step-up); undefined for a public sign-in (the user handle says who). */
  userId?: string;
  binding?: string | null;
}

/** A verified assertion. */
export interface VerifiedAssertion {
  passkey: StoredPasskey;
  userVerified: boolean;
}

/**
 * The WebAuthn ceremonies (`@simplewebauthn/server` 13 does the cryptography): options with a fresh challenge (32
 * random bytes, kept `challengeTtlSeconds`, single use) and the verification of their responses. Before a signature
 * is checked, the challenge is taken out of the store (so a response is never accepted twice), the origin must be
 * one of `origins` and the RP ID hash `rpId`'s, exactly; the signature counter must move forward unless it is 0 and
 * stays 0 (synced passkeys keep none), checked again atomically when the use is recorded.
 */
@Injectable()
export class PasskeyCeremonies {
  constructor(
    @Inject(PASSKEY_OPTIONS) private readonly options: ResolvedPasskeyOptions,
    @Inject(PasskeyCredentialStore) private readonly credentials: PasskeyCredentialStore,
    @Inject(PasskeyChallengeStore) private readonly challenges: PasskeyChallengeStore,
    private readonly events: AuthEvents,
  ) {}

  /** Creation options for a new passkey of the user: resident key and user verification preferred, their passkeys excluded. */
  async creationOptions(user: { id: string; email: string | null }): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.credentials.list(user.id);
    if (existing.length >= this.options.maxPerUser) throw new PasskeyLimitReachedError();
    const options = await generateRegistrationOptions({
      rpName: this.options.rpName, rpID: this.options.rpId, userName: user.email ?? user.id, userID: Buffer.from(user.id, 'utf8'),
      challenge: randomBytes(32), timeout: this.options.challengeTtlSeconds * 1000, attestationType: 'none',
      excludeCredentials: existing.map(({ id, transports }) => ({ id, transports: transports as AuthenticatorTransportFuture[] })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' }, supportedAlgorithmIDs: ALGORITHMS,
    });
    await this.save(options.challenge, { purpose: 'registration', userId: user.id, binding: null, userVerification: 'preferred' });
    return options;
  }

  /** Verifies a registration response of the user's and stores the passkey (409 when its id is registered already). */
  async register(userId: string, body: unknown, name: string | undefined, client: ClientInfo): Promise<StoredPasskey> {
    return this.failing(userId, client, async () => {
      const header = readResponse(body, 'registration', this.options);
      const now = Date.now();
      const record = await this.challenges.consume(header.challenge, now);
      if (!record || record.purpose !== 'registration' || record.userId !== userId) throw new PasskeyChallengeInvalidError();
      const verification = await this.verified(() => verifyRegistrationResponse({
        response: header.json as RegistrationResponseJSON, expectedChallenge: header.challenge, expectedOrigin: this.options.origins,
        expectedRPID: this.options.rpId, requireUserVerification: false, supportedAlgorithmIDs: ALGORITHMS,
      }));
      if (!verification.verified) throw new PasskeyInvalidError();
      const info = verification.registrationInfo;
      const transports = (header.json as RegistrationResponseJSON).response.transports;
      const passkey: StoredPasskey = {
        id: info.credential.id, userId, publicKey: Buffer.from(info.credential.publicKey).toString('base64url'), counter: info.credential.counter,
        transports: Array.isArray(transports) ? transports.filter((t) => TRANSPORTS.has(t)) : [], aaguid: info.aaguid,
        backupEligible: info.credentialDeviceType === 'multiDevice', backedUp: info.credentialBackedUp,
        name: name ?? `Passkey ${new Date(now).toISOString().slice(0, 10)}`, createdAt: now, lastUsedAt: null,
      };
      const added = await this.credentials.add(passkey, this.options.maxPerUser);
      if (added === 'taken') throw new PasskeyAlreadyRegisteredError();
      if (added === 'limit') throw new PasskeyLimitReachedError();
      return passkey;
    });
  }

  /**
   * Request options for an assertion: for a known user (`record.userId`) their passkeys are allowed, for a public
   * sign-in any discoverable one (the browser offers them, conditional UI included).
   */
  async requestOptions(record: PasskeyChallengeRecord): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const allowed = record.userId === null ? [] : await this.credentials.list(record.userId);
    const options = await generateAuthenticationOptions({
      rpID: this.options.rpId, challenge: randomBytes(32), timeout: this.options.challengeTtlSeconds * 1000, userVerification: record.userVerification,
      allowCredentials: allowed.map(({ id, transports }) => ({ id, transports: transports as AuthenticatorTransportFuture[] })),
    });
    await this.save(options.challenge, record);
    return options;
  }

  /**
   * Verifies an assertion: its challenge (taken out first: one use), the user (`expected.userId`, else the user
   * handle), the credential (theirs), user verification when the challenge required it, the counter, the
   * signature; then records the use.
   */
  async assert(body: unknown, expected: ExpectedAssertion, client: ClientInfo): Promise<VerifiedAssertion> {
    return this.failing(expected.userId, client, async () => {
      const header = readResponse(body, 'authentication', this.options);
      const owner = expected.userId ?? (header.userHandle === undefined ? null : userIdOf(header.userHandle));
      const now = Date.now();
      // One round trip: the challenge and the credential are read together.
      const [record, passkey] = await Promise.all([
        this.challenges.consume(header.challenge, now), owner === null ? null : this.credentials.find(owner, header.id),
      ]);
      if (!record || record.purpose !== expected.purpose || record.binding !== (expected.binding ?? null) || (record.userId !== null && record.userId !== owner)) {
        throw new PasskeyChallengeInvalidError();
      }
      if (!passkey || (header.userHandle !== undefined && header.userHandle !== userHandleOf(passkey.userId))) throw new PasskeyInvalidError();
      if (record.userVerification === 'required' && !header.userVerified) throw new PasskeyInvalidError('User verification is required');
      if (!(header.counter > passkey.counter || (header.counter === 0 && passkey.counter === 0))) throw new PasskeyCounterInvalidError();
      const verification = await this.verified(() => verifyAuthenticationResponse({
        response: header.json as AuthenticationResponseJSON, expectedChallenge: header.challenge, expectedOrigin: this.options.origins,
        expectedRPID: this.options.rpId, requireUserVerification: record.userVerification === 'required',
        credential: { id: passkey.id, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.counter, transports: passkey.transports as AuthenticatorTransportFuture[] },
      }));
      if (!verification.verified) throw new PasskeyInvalidError();
      const { newCounter, credentialBackedUp, userVerified } = verification.authenticationInfo;
      const used = await this.credentials.recordUse(passkey.userId, passkey.id, { counter: newCounter, backedUp: credentialBackedUp, now });
      if (used === 'counter') throw new PasskeyCounterInvalidError();
      if (used === 'missing') throw new PasskeyInvalidError();
      return { passkey: { ...passkey, counter: newCounter, backedUp: credentialBackedUp, lastUsedAt: now }, userVerified };
    });
  }

  private async save(challenge: string, record: PasskeyChallengeRecord): Promise<void> {
    await this.challenges.save(challenge, record, Date.now() + this.options.challengeTtlSeconds * 1000);
  }

  /** `@simplewebauthn/server`'s verdict; what it throws (a bad signature, a malformed structure) is `PasskeyInvalidError`. */
  private async verified<T>(verify: () => Promise<T>): Promise<T> {
    try {
      return await verify();
    } catch (cause) {
      throw new PasskeyInvalidError(undefined, { cause });
    }
  }

  /** Runs a verification; a refusal is emitted as `PasskeyFailed` (its code, the user when known) and rethrown. */
  private async failing<T>(userId: string | undefined, client: ClientInfo, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AuthError && error.httpStatus !== 503) this.events.emitFor(client, PasskeyEvent.PasskeyFailed, { userId, reason: error.code });
      throw error;
    }
  }
}
