import { Inject, Injectable } from '@nestjs/common';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { ReauthenticationRequiredError, UserDisabledError } from '../../core/errors/auth.errors';
import { UserStore } from '../../core/ports/user-store.interface';
import { SecondFactorRegistry } from '../../core/sessions/second-factors';
import { SignInPipeline } from '../../core/sign-in/sign-in-pipeline';
import type { SignInOutcome } from '../../core/sign-in/sign-in-step';
import { RouteLimiter } from '../../core/throttling/route-limiter';
import { clientIpKey } from '../../core/throttling/client-ip';
import { PASSKEY_OPTIONS, type ResolvedPasskeyOptions } from './passkeys.options';
import { PasskeyInvalidError, PasskeyLastFactorError, PasskeyNotFoundError } from './passkeys.errors';
import { PasskeyEvent } from './passkeys.events';
import { PasskeyCeremonies } from './passkey-ceremonies';
import { PasskeyNotices } from './passkey-notices';
import { userIdOf } from './passkey-response';
import { PasskeySecondFactor, passkeyAmr } from './passkey-second-factor';
import { PasskeyCredentialStore, type StoredPasskey } from './passkey-store.interface';

/** A passkey as its owner sees it (`GET /auth/passkeys`): never its public key. */
export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Synced to other devices (a synced passkey). */
  backedUp: boolean;
  transports: string[];
  aaguid: string;
}

export function passkeyView(passkey: StoredPasskey): PasskeyView {
  return {
    id: passkey.id, name: passkey.name, createdAt: new Date(passkey.createdAt).toISOString(),
    lastUsedAt: passkey.lastUsedAt === null ? null : new Date(passkey.lastUsedAt).toISOString(), backedUp: passkey.backedUp,
    transports: [...passkey.transports], aaguid: passkey.aaguid,
  };
}

/** What the passkey services share (grouped to keep constructors short). */
@Injectable()
export class PasskeyContext {
  constructor(
    @Inject(PASSKEY_OPTIONS) readonly options: ResolvedPasskeyOptions,
    @Inject(PasskeyCredentialStore) readonly credentials: PasskeyCredentialStore,
    @Inject(UserStore) readonly users: UserStore,
    readonly ceremonies: PasskeyCeremonies,
    readonly notices: PasskeyNotices,
  ) {}
}

/** A signed-in user's passkeys: register (a recent sign-in), list, rename, remove (not the last factor policy requires). */
@Injectable()
export class PasskeyAccounts {
  constructor(private readonly context: PasskeyContext, private readonly registry: SecondFactorRegistry, private readonly own: PasskeySecondFactor) {}

  /** Creation options (401 `reauthentication_required` when the sign-in is older than `recentAuthSeconds`). */
  async registrationOptions(principal: AuthenticatedUser): Promise<PublicKeyCredentialCreationOptionsJSON> {
    this.requireRecent(principal);
    return this.context.ceremonies.creationOptions({ id: principal.id, email: principal.email ?? null });
  }

  /** Verifies and stores a new passkey of the user (event, mail). */
  async register(principal: AuthenticatedUser, response: unknown, name: string | undefined, client: ClientInfo): Promise<PasskeyView> {
    this.requireRecent(principal);
    const passkey = await this.context.ceremonies.register(principal.id, response, name, client);
    this.context.notices.added(passkey, client);
    return passkeyView(passkey);
  }

  async list(userId: string): Promise<PasskeyView[]> {
    return (await this.context.credentials.list(userId)).map(passkeyView);
  }

  async rename(userId: string, id: string, name: string): Promise<PasskeyView> {
    if (!(await this.context.credentials.rename(userId, id, name))) throw new PasskeyNotFoundError();
    const passkey = await this.context.credentials.find(userId, id);
    if (!passkey) throw new PasskeyNotFoundError();
    return passkeyView(passkey);
  }

  /** Removes one (event, mail); 409 `passkey_last_factor` when policy requires a second factor and it is the user's last. */
  async remove(principal: AuthenticatedUser, id: string, client: ClientInfo): Promise<void> {
    const passkeys = await this.context.credentials.list(principal.id);
    const passkey = passkeys.find((candidate) => candidate.id === id);
    if (!passkey) throw new PasskeyNotFoundError();
    if (passkeys.length === 1 && this.registry.requiredFor(principal) && (await this.registry.methods(principal.id, this.own)).length === 0) {
      throw new PasskeyLastFactorError();
    }
    if (!(await this.context.credentials.remove(principal.id, id))) throw new PasskeyNotFoundError();
    this.context.notices.removed(passkey, client);
  }

  /** Request options for a step-up with one of the user's passkeys (`POST /auth/reauthenticate {passkey}`). */
  reauthenticationOptions(principal: AuthenticatedUser): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.context.ceremonies.requestOptions({ purpose: 'reauthenticate', userId: principal.id, binding: null, userVerification: 'preferred' });
  }

  private requireRecent(principal: AuthenticatedUser): void {
    const maxAgeMs = this.context.options.recentAuthSeconds * 1000;
    if (principal.authTime === undefined || Date.now() - principal.authTime > maxAgeMs) {
      throw new ReauthenticationRequiredError('Sign in again to add a passkey');
    }
  }
}

/**
 * Passwordless sign-in with a discoverable passkey: options (public, throttled per ip; user verification required,
 * no credential named, so the browser offers the user's passkeys, conditional UI included), then the assertion;
 * the user is the passkey's owner and the sign-in goes through the pipeline with `amr` `['hwk', 'mfa']` (a passkey
 * with user verification is two factors: the MFA step lets it through).
 */
@Injectable()
export class PasskeySignIn {
  constructor(private readonly context: PasskeyContext, private readonly pipeline: SignInPipeline, private readonly limiter: RouteLimiter) {}

  async options(client: ClientInfo): Promise<PublicKeyCredentialRequestOptionsJSON> {
    await this.limiter.charge('passkeyOptions', { ip: clientIpKey(client.ip) }, client);
    return this.context.ceremonies.requestOptions({ purpose: 'sign-in', userId: null, binding: null, userVerification: 'required' });
  }

  async signIn(response: unknown, client: ClientInfo): Promise<SignInOutcome> {
    const handle = (response as { response?: { userHandle?: unknown } } | null)?.response?.userHandle;
    const owner = typeof handle === 'string' ? userIdOf(handle) : null;
    // The user is read alongside the challenge and the credential (the user handle names them).
    const [{ passkey, userVerified }, user] = await Promise.all([
      this.context.ceremonies.assert(response, { purpose: 'sign-in' }, client), owner === null ? null : this.context.users.findById(owner),
    ]);
    if (!user || user.id !== passkey.userId) throw new PasskeyInvalidError();
    if (user.disabled) throw new UserDisabledError();
    this.context.notices.events.emitFor(client, PasskeyEvent.PasskeyUsed, { userId: user.id, passkeyId: passkey.id, purpose: 'sign-in', userVerified });
    return this.pipeline.signIn({ user, method: 'passkey', amr: passkeyAmr(userVerified) }, client);
  }
}
