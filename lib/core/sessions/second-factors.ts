import { Injectable } from '@nestjs/common';
import type { ClientInfo } from '../auth.types';
import { ValidationFailedError } from '../errors/auth.errors';

/**
 * A second-factor proof as `POST /auth/reauthenticate` and `POST /auth/mfa/verify` receive it: exactly one field.
 * `passkey` is a WebAuthn assertion (`PublicKeyCredential` as JSON, e.g. `@simplewebauthn/browser`'s answer).
 */
export interface ReauthenticationProof {
  password?: string;
  code?: string;
  recoveryCode?: string;
  passkey?: Readonly<Record<string, unknown>>;
}

/** Where a second factor is checked. */
export interface SecondFactorCheck {
  /** `sign-in` (an MFA challenge), `reauthenticate` (step-up), or a management action of the feature that asks. */
  purpose: string;
  /**
   * What the proof must be bound to: the hash of the MFA token of the sign-in it finishes (a passkey's challenge
   * was issued for that token), or null (step-up, management).
   */
  binding: string | null;
  client: ClientInfo;
}

/**
 * One kind of second factor, contributed by a feature to the kernel's `SecondFactorRegistry` (the `mfa` feature
 * contributes TOTP and recovery codes, `passkeys` passkeys; an app may add its own). A feature registers it once,
 * at start-up (`registry.register(this)` in `onModuleInit`); no feature imports another.
 */
export interface SecondFactorMethod {
  /** The proof fields it checks (`['code', 'recoveryCode']`, `['passkey']`). Two methods never share one. */
  readonly proofs: ReadonlyArray<keyof ReauthenticationProof>;
  /** The methods the user can use now, as `methods` lists them (`['totp', 'recovery_code']`, `['passkey']`); [] when none. */
  methods(userId: string): Promise<readonly string[]>;
  /** What `GET /auth/mfa` shows of the user's factors of this kind (`{ totp: true, recoveryCodesLeft: 9 }`, `{ passkeys: 2 }`). */
  status(userId: string): Promise<Readonly<Record<string, unknown>>>;
  /**
   * Checks a proof for the user: the `amr` values it proves (with `mfa`), or throws its own `AuthError` (401).
   * Used up like a sign-in's: a TOTP step never twice, a recovery code or a passkey challenge once.
   */
  verify(userId: string, proof: ReauthenticationProof, check: SecondFactorCheck): Promise<readonly string[]>;
  /**
   * What the client needs from the server before it can make a proof (a WebAuthn challenge), bound to `binding`
   * (see `SecondFactorCheck`). Only for methods that need one.
   */
  challenge?(userId: string, binding: string | null): Promise<Readonly<Record<string, unknown>>>;
  /** Removes every factor of this kind; true when there was one. `actorId`: an admin's reset. */
  removeAll(userId: string, client: ClientInfo, actorId?: string): Promise<boolean>;
  /** Whether policy requires this user to keep a second factor (the `mfa` feature's `mfa.required`). */
  requiredFor?(user: { roles: readonly string[] }): boolean;
}

/**
 * What the kernel asks of the second factors (`SECOND_FACTORS`, the `SecondFactorRegistry`): without any feature
 * contributing one, the kernel knows only passwords.
 */
export interface SecondFactors {
  /** Step-up with a second factor: the `amr` values it proves, or the factor's 401 (429 when throttled). */
  reauthenticate(userId: string, proof: ReauthenticationProof, client: ClientInfo): Promise<readonly string[]>;
  /** The account was secured (`AccountSecuring`): every second factor goes, so a squatter's cannot lock the owner out. */
  removeAll(userId: string, client: ClientInfo): Promise<boolean | void>;
  /**
   * The user's factors as `GET /auth/me` shows them (`mfa`); undefined while no feature provides one (no `mfa` field
   * then). `enrolled`: `@RequireRecentAuth({ secondFactor: true })` then asks for `mfa`.
   */
  summary(userId: string): Promise<SecondFactorSummary | undefined>;
}

/** A user's second factors in `GET /auth/me` (`mfa`). Never a secret. */
export interface SecondFactorSummary {
  /** Whether the user has a second factor (a sign-in then asks for it). */
  enrolled: boolean;
  /** What finishes a sign-in or a step-up: `totp`, `recovery_code`, `passkey`... (every registered kind's). */
  methods: string[];
  /** Unused recovery codes (0 without). */
  recoveryCodesLeft: number;
}

/**
 * The kernel's registry of second factors: each feature registers its `SecondFactorMethod`s; the kernel
 * (step-up, `@RequireRecentAuth`, securing an account) and the MFA challenge ask it, never a feature directly.
 */
@Injectable()
export class SecondFactorRegistry implements SecondFactors {
  private readonly registered: SecondFactorMethod[] = [];

  /** Adds a method (at start-up). A proof field claimed twice is a mistake (`TypeError`). */
  register(method: SecondFactorMethod): void {
    if (this.registered.includes(method)) return;
    const taken = method.proofs.filter((proof) => this.registered.some((other) => other.proofs.includes(proof)));
    if (taken.length > 0) throw new TypeError(`nestjs-authkit: second-factor proof ${taken.join(', ')} is registered twice`);
    this.registered.push(method);
  }

  /** The user's usable methods of every registered kind but `except`'s, in registration order. */
  async methods(userId: string, except?: SecondFactorMethod): Promise<string[]> {
    const lists = await Promise.all(this.others(except).map((method) => method.methods(userId)));
    return lists.flat();
  }

  /** Every kind's `status`, merged (for `GET /auth/mfa`). */
  async status(userId: string, except?: SecondFactorMethod): Promise<Record<string, unknown>> {
    const all = await Promise.all(this.others(except).map((method) => method.status(userId)));
    return Object.assign({}, ...all) as Record<string, unknown>;
  }

  /** `GET /auth/me`'s `mfa`: every kind's methods and the recovery codes left; undefined while none is registered. */
  async summary(userId: string): Promise<SecondFactorSummary | undefined> {
    if (this.registered.length === 0) return undefined;
    const [methods, status] = await Promise.all([this.methods(userId), this.status(userId)]);
    const left = status.recoveryCodesLeft;
    return { enrolled: methods.length > 0, methods, recoveryCodesLeft: typeof left === 'number' ? left : 0 };
  }

  /** The method that checks `proof` (its one given field), or undefined. */
  methodFor(proof: ReauthenticationProof | string): SecondFactorMethod | undefined {
    if (typeof proof === 'string') return this.registered.find((method) => method.challenge && method.proofs.includes(proof as keyof ReauthenticationProof));
    return this.registered.find((method) => method.proofs.some((field) => proof[field] !== undefined));
  }

  async reauthenticate(userId: string, proof: ReauthenticationProof, client: ClientInfo): Promise<readonly string[]> {
    const method = this.methodFor(proof);
    if (!method) throw new ValidationFailedError(['give password']);
    return method.verify(userId, proof, { purpose: 'reauthenticate', binding: null, client });
  }

  /** Every kind's `removeAll` (but `except`'s): true when one had a factor. `actorId`: an admin's reset. */
  async removeAll(userId: string, client: ClientInfo, options: { actorId?: string; except?: SecondFactorMethod } = {}): Promise<boolean> {
    const removed = await Promise.all(this.others(options.except).map((method) => method.removeAll(userId, client, options.actorId)));
    return removed.some(Boolean);
  }

  /** Whether a registered policy requires the user to keep a second factor. */
  requiredFor(user: { roles: readonly string[] }): boolean {
    return this.registered.some((method) => method.requiredFor?.(user) === true);
  }

  private others(except: SecondFactorMethod | undefined): SecondFactorMethod[] {
    return this.registered.filter((method) => method !== except);
  }
}

/** Injection token of the kernel's `SecondFactors` (the `SecondFactorRegistry`). */
export const SECOND_FACTORS = Symbol('authkit:second-factors');
