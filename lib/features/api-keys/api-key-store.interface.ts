/** One API key as stored (never the key itself: `hash` is the SHA-256 of its secret). Times are epoch ms. */
export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  hash: string;
  scopes: string[];
  /** The owner's credential version when the key was created: a later change of credentials ends the key. */
  credentialVersion: number;
  createdAt: number;
  /** `null`: never expires. */
  expiresAt: number | null;
  /** Kept to `lastUsedGranularityMs`; `null` before the first use. */
  lastUsedAt: number | null;
}

/**
 * What a key checks its owner against on every use, kept beside the keys and refreshed from the user store (when a
 * key is created, on the user's events, and at most every `ownerRecheckSeconds` while keys are used).
 */
export interface ApiKeyOwner {
  /** The owner's roles (the key's scopes narrow them). */
  roles: string[];
  /** The owner's credential version: keys created under an older one are dead. */
  credentialVersion: number;
  /** When this was read from the user store (epoch ms). */
  checkedAt: number;
}

/** A presented key, already parsed (`parseApiKey`): its checksum held. */
export interface CheckApiKeyInput {
  userId: string;
  id: string;
  /** SHA-256 of the presented secret. */
  hash: string;
  /** `lastUsedAt` is written when older than this (so not on every request). */
  lastUsedGranularityMs: number;
  /** Requests per key per `windowMs`; 0: no limit. */
  limit: number;
  windowMs: number;
}

/**
 * - `valid`: the key matches, is unexpired, and was created under the owner's current credentials;
 * - `invalid`: unknown, revoked, wrong secret, expired, or older than the owner's credentials (one answer);
 * - `throttled`: valid, but over its per-key limit (counted only for valid keys: a guess of a key's id cannot
 *   use up its owner's budget).
 */
export type CheckApiKeyResult =
  | { status: 'valid'; scopes: string[]; credentialVersion: number; owner: ApiKeyOwner | null }
  | { status: 'invalid' }
  | { status: 'throttled'; retryAfterMs: number };

/**
 * API keys, per user. `check` is the per-request operation: ONE store round trip that verifies the key, checks it
 * against the owner's credentials (the stored owner and, in Redis, the sessions' credential floor), counts the
 * per-key throttle and refreshes `lastUsedAt` when it is older than the granularity.
 */
export interface ApiKeyStore {
  /** Stores a new key and the owner's state; false when the user already has `maxKeys` live keys. */
  create(record: ApiKeyRecord, owner: ApiKeyOwner, maxKeys: number): Promise<boolean>;
  check(input: CheckApiKeyInput): Promise<CheckApiKeyResult>;
  /** The user's live keys (expired and dead ones are left out), oldest first. */
  list(userId: string): Promise<ApiKeyRecord[]>;
  /** Deletes one key; false when the user has no such key. */
  revoke(userId: string, id: string): Promise<boolean>;
  /** Deletes every key of the user (a disabled or deleted owner); returns how many. */
  revokeAll(userId: string): Promise<number>;
  /** Records the owner's state (only when the user has keys): keys created under an older credential version die. */
  setOwner(userId: string, owner: ApiKeyOwner): Promise<void>;
}

/** Injection token of the `ApiKeyStore`. */
export const ApiKeyStore = Symbol('authkit:api-key-store');

/** Whether a record is usable at `now` for an owner at `credentialVersion`. */
export function isLiveApiKey(record: Pick<ApiKeyRecord, 'expiresAt' | 'credentialVersion'>, now: number, credentialVersion: number): boolean {
  return (record.expiresAt === null || record.expiresAt > now) && record.credentialVersion >= credentialVersion;
}
