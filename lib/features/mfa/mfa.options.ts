import {
  booleanOption, failOption, type OptionKeys, ownedObject, positiveInteger, stringArray,
} from '../../core/options/options.validation';
import { encryptionKeyBytes, type MfaEncryptionKey } from './mfa-secret.cipher';
import type { MfaFactorStore } from './mfa-store.interface';

/** Who must have a second factor: nobody (`'optional'`, the default), users with one of `roles`, or everyone. */
export type MfaRequirement = 'optional' | 'all' | { roles: string[] };

/**
 * Two-factor sign-in (TOTP + recovery codes, DESIGN section 10). Off without this option; with it, users can
 * enrol (`POST /auth/mfa/totp/setup`, `/confirm`) and a user with a factor gets `{ mfaRequired: true, mfaToken }`
 * after the password (or the OAuth provider), then `POST /auth/mfa/verify`.
 *
 * @example
 * ```ts
 * mfa: { encryptionKeys: [{ id: '2026-12', key: process.env.AUTH_MFA_KEY! }], issuer: 'Acme' }
 * ```
 */
export interface MfaOptions {
  /**
   * The AES-256-GCM keys TOTP secrets are encrypted under (32 bytes each: `openssl rand -base64 32`). The first
   * encrypts; every key decrypts the secrets written under it (each names its key by `id`). To rotate, put the new
   * key first and keep the old ones: new enrolments use the new key; a secret stays under its key until the user
   * enrols again (no re-encryption on use yet), so an old key may only go once no secret names it.
   */
  encryptionKeys: MfaEncryptionKey[];
  /** The issuer authenticator apps show (the `otpauth://` URI's). Default `'nestjs-authkit'`. */
  issuer?: string;
  /** The TOTP steps accepted around now. Default `[-1, 0]`: the current code and the one before. Offsets in [-2, 2]. */
  totpWindow?: number[];
  /** How long an MFA token (a sign-in waiting for its second factor) lives. Default 300. */
  challengeTtlSeconds?: number;
  /** Wrong codes one MFA token takes before it ends. Default 5. */
  maxAttemptsPerChallenge?: number;
  /** Wrong codes per user, every token and step-up together, in `failureWindowSeconds` before 429. Default 10. */
  maxUserFailures?: number;
  /** Default 900. */
  failureWindowSeconds?: number;
  /** How long a secret from `POST /auth/mfa/totp/setup` waits for its confirmation. Default 600. */
  setupTtlSeconds?: number;
  /** Setting up a factor needs a sign-in (the token's `auth_time`) at most this many seconds old. Default 900. */
  recentAuthSeconds?: number;
  /** Who must have a second factor (see `MfaRequirement`). Default `'optional'`. */
  required?: MfaRequirement;
  /** Mail the user when a factor is added or removed and when a recovery code is used. Default true. */
  notify?: boolean;
  /**
   * Where the users' factors live (TOTP secrets encrypted, recovery codes hashed, the last TOTP step): an instance of
   * your own `MfaFactorStore`, e.g. next to your users in SQL (the TypeORM and Drizzle recipes ship one; build it in
   * `forRootAsync`'s factory, where your database is injected; `describeMfaFactorStoreContract` checks it). Default:
   * Redis (with `redis`), else memory. The pending sign-ins (`MfaChallengeStore`: 5-minute tokens and failure
   * counts) stay in Redis or memory either way.
   */
  factorStore?: MfaFactorStore;
}

export interface ResolvedMfaOptions {
  enabled: boolean;
  encryptionKeys: Array<{ id: string; key: Buffer }>;
  issuer: string;
  totpWindow: number[];
  challengeTtlSeconds: number;
  maxAttemptsPerChallenge: number;
  maxUserFailures: number;
  failureWindowSeconds: number;
  setupTtlSeconds: number;
  recentAuthSeconds: number;
  required: MfaRequirement;
  notify: boolean;
  /** The app's factor store, when given. */
  factorStore?: MfaFactorStore;
}

/** Injection token of the resolved `mfa` options. */
export const MFA_OPTIONS = Symbol('authkit:mfa-options');

export const MFA_OPTION_KEYS: OptionKeys<{ mfa?: MfaOptions }> = { mfa: true };
const MFA_KEYS: OptionKeys<MfaOptions> = {
  encryptionKeys: true, issuer: true, totpWindow: true, challengeTtlSeconds: true, maxAttemptsPerChallenge: true, maxUserFailures: true,
  failureWindowSeconds: true, setupTtlSeconds: true, recentAuthSeconds: true, required: true, notify: true, factorStore: true,
};

export function resolveMfaOptions(options: MfaOptions | undefined): ResolvedMfaOptions {
  const given = ownedObject(options, 'mfa', MFA_KEYS);
  const keys = given ? encryptionKeys(given.encryptionKeys) : [];
  const window = given?.totpWindow ?? [-1, 0];
  if (!Array.isArray(window) || window.length === 0 || window.some((offset) => !Number.isInteger(offset) || Math.abs(offset) > 2)) {
    failOption('mfa.totpWindow', 'must be a non-empty array of integers from -2 to 2');
  }
  return {
    enabled: given !== undefined,
    encryptionKeys: keys,
    issuer: given?.issuer === undefined ? 'nestjs-authkit' : stringArray([given.issuer], 'mfa.issuer', [])[0],
    totpWindow: [...new Set(window)],
    challengeTtlSeconds: positiveInteger(given?.challengeTtlSeconds, 'mfa.challengeTtlSeconds', 300),
    maxAttemptsPerChallenge: positiveInteger(given?.maxAttemptsPerChallenge, 'mfa.maxAttemptsPerChallenge', 5),
    maxUserFailures: positiveInteger(given?.maxUserFailures, 'mfa.maxUserFailures', 10),
    failureWindowSeconds: positiveInteger(given?.failureWindowSeconds, 'mfa.failureWindowSeconds', 900),
    setupTtlSeconds: positiveInteger(given?.setupTtlSeconds, 'mfa.setupTtlSeconds', 600),
    recentAuthSeconds: positiveInteger(given?.recentAuthSeconds, 'mfa.recentAuthSeconds', 900),
    required: requirement(given?.required),
    notify: booleanOption(given?.notify, 'mfa.notify', true),
    ...(given?.factorStore === undefined ? {} : { factorStore: factorStore(given.factorStore) }),
  };
}

const FACTOR_STORE_METHODS = ['factors', 'savePendingTotp', 'confirmTotp', 'acceptStep', 'useRecoveryCode', 'replaceRecoveryCodes', 'removeAll'] as const;

function factorStore(value: unknown): MfaFactorStore {
  const missing = FACTOR_STORE_METHODS.filter((name) => typeof (value as Record<string, unknown> | null)?.[name] !== 'function');
  if (typeof value !== 'object' || value === null || missing.length > 0) {
    failOption('mfa.factorStore', `must be an MfaFactorStore instance (missing: ${missing.join(', ') || 'an object'})`);
  }
  return value as MfaFactorStore;
}

function encryptionKeys(value: unknown): Array<{ id: string; key: Buffer }> {
  if (!Array.isArray(value) || value.length === 0) failOption('mfa.encryptionKeys', 'must be a non-empty array of { id, key }');
  const seen = new Set<string>();
  return value.map((entry: unknown, i) => {
    const where = `mfa.encryptionKeys[${i}]`;
    const { id, key } = (ownedObject(entry as MfaEncryptionKey, where, { id: true, key: true }) ?? {}) as Partial<MfaEncryptionKey>;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || seen.has(id)) {
      failOption(`${where}.id`, 'must be a unique id of 1 to 32 letters, digits, "_" or "-"');
    }
    seen.add(id);
    return { id, key: encryptionKeyBytes(key, `${where}.key`) };
  });
}

function requirement(value: unknown): MfaRequirement {
  if (value === undefined || value === 'optional' || value === 'all') return value ?? 'optional';
  const roles = ownedObject(value as { roles: string[] }, 'mfa.required', { roles: true });
  if (!roles) failOption('mfa.required', "must be 'optional', 'all' or { roles: [...] }");
  return { roles: stringArray(roles.roles, 'mfa.required.roles', []) };
}
