import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ClientInfo } from '../../core/auth.types';
import { AuthEvent } from '../../core/events/auth-event.names';
import { type ReauthenticationProof, type SecondFactorCheck, type SecondFactorMethod, SecondFactorRegistry } from '../../core/sessions/second-factors';
import { PASSKEY_OPTIONS, type ResolvedPasskeyOptions } from './passkeys.options';
import { PasskeyEvent } from './passkeys.events';
import { PasskeyCeremonies } from './passkey-ceremonies';
import { PasskeyNotices } from './passkey-notices';
import { PasskeyCredentialStore } from './passkey-store.interface';

/** The `amr` of a passkey: possession of a key (`hwk`), and with user verification two factors in one (`mfa`). */
export function passkeyAmr(userVerified: boolean): string[] {
  return userVerified ? ['hwk', 'mfa'] : ['hwk'];
}

/**
 * Passkeys as a second factor, in the kernel's `SecondFactorRegistry` (registered at start-up when `passkeys` is
 * on): after a password or OAuth sign-in (the MFA challenge lists `passkey`; `POST /auth/mfa/passkey/options` gives
 * the request options bound to the MFA token, `POST /auth/mfa/verify {passkey}` finishes), for step-up
 * (`POST /auth/reauthenticate {passkey}`, options from `POST /auth/passkeys/reauthentication/options`), counted by
 * `GET /auth/mfa`, removed by an admin's MFA reset and when the account is secured or deleted.
 */
@Injectable()
export class PasskeySecondFactor implements SecondFactorMethod, OnModuleInit {
  readonly proofs = ['passkey'] as const;
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(PASSKEY_OPTIONS) private readonly options: ResolvedPasskeyOptions,
    @Inject(PasskeyCredentialStore) private readonly credentials: PasskeyCredentialStore,
    private readonly ceremonies: PasskeyCeremonies,
    private readonly notices: PasskeyNotices,
    private readonly registry: SecondFactorRegistry,
  ) {}

  onModuleInit(): void {
    if (!this.options.enabled) return;
    this.registry.register(this);
    // A deleted account's passkeys go with it (nothing of a deleted user is kept).
    this.notices.events.subscribe(AuthEvent.AccountDeleted, ({ userId }) => {
      this.credentials.removeAll(userId).catch((error: unknown) => {
        this.logger.error(`Could not remove the passkeys of a deleted account: ${error instanceof Error ? error.name : 'error'}`);
      });
    });
  }

  async methods(userId: string): Promise<readonly string[]> {
    return (await this.credentials.list(userId)).length > 0 ? ['passkey'] : [];
  }

  async status(userId: string): Promise<{ passkeys: number }> {
    return { passkeys: (await this.credentials.list(userId)).length };
  }

  /** A sign-in's second factor (bound to its MFA token) or a step-up: the assertion must be one of the user's passkeys. */
  async verify(userId: string, proof: ReauthenticationProof, check: SecondFactorCheck): Promise<readonly string[]> {
    const purpose = check.purpose === 'sign-in' ? 'second-factor' : 'reauthenticate';
    const { passkey, userVerified } = await this.ceremonies.assert(proof.passkey, { purpose, userId, binding: check.binding }, check.client);
    this.notices.events.emitFor(check.client, PasskeyEvent.PasskeyUsed, { userId, passkeyId: passkey.id, purpose, userVerified });
    // As the second factor after a password, possession is the factor: `mfa` either way.
    return purpose === 'second-factor' ? ['hwk', 'mfa'] : passkeyAmr(userVerified);
  }

  /** Request options for the user's passkeys, bound to `binding` (an MFA token's hash; null for a step-up). */
  challenge(userId: string, binding: string | null): Promise<Readonly<Record<string, unknown>>> {
    const purpose = binding === null ? 'reauthenticate' : 'second-factor';
    return this.ceremonies.requestOptions({ purpose, userId, binding, userVerification: 'preferred' }) as unknown as Promise<Readonly<Record<string, unknown>>>;
  }

  /** Every passkey of the user goes (an admin's MFA reset: `actorId`; an account secured from a squatter). */
  async removeAll(userId: string, client: ClientInfo, actorId?: string): Promise<boolean> {
    const passkeys = await this.credentials.list(userId);
    const removed = new Set(await this.credentials.removeAll(userId));
    // Events only: the admin's reset mails once for every factor, and securing an account mails its owner already.
    for (const passkey of passkeys) if (removed.has(passkey.id)) this.notices.removed(passkey, client, { actorId, mail: false });
    return removed.size > 0;
  }
}
