/**
 * Where the passkeys feature keeps users' credentials and the challenges it issued. Two ports, each with a memory
 * and a Redis adapter (every operation one atomic step) and one contract suite (`nestjs-authkit/testing`:
 * `describePasskeyCredentialStoreContract`, `describePasskeyChallengeStoreContract`). Times are epoch milliseconds
 * given by the caller. Nothing here is a secret: a credential's public key and a challenge are public values (a
 * challenge is only useful once, which `consume` enforces).
 */

/** A registered passkey (the fields WebAuthn's registration gives, plus the user's name for it). */
export interface StoredPasskey {
  /** The credential id, base64url: unique across all users. */
  id: string;
  userId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The signature counter last seen (0: the authenticator keeps none, e.g. a synced passkey). */
  counter: number;
  /** How the browser can reach the authenticator (`internal`, `hybrid`, `usb`...). */
  transports: string[];
  /** The authenticator model's AAGUID (all zeros when it does not say). */
  aaguid: string;
  /** May be synced to other devices (backup eligible). */
  backupEligible: boolean;
  /** Is synced (backed up) now. */
  backedUp: boolean;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What `add` did. */
export type AddPasskeyResult = 'added' | 'taken' | 'limit';

/** What `recordUse` did: `counter`, the counter did not move forward (it was not 0 and 0). */
export type RecordUseResult = 'ok' | 'counter' | 'missing';

/** The users' passkeys. */
export interface PasskeyCredentialStore {
  /**
   * Registers a passkey, atomically: refused (`taken`) when its id is registered to anyone (this user included),
   * or (`limit`) when the user has `maxPerUser` already.
   */
  add(passkey: StoredPasskey, maxPerUser: number): Promise<AddPasskeyResult>;
  /** The user's passkeys, oldest first. */
  list(userId: string): Promise<StoredPasskey[]>;
  /** One passkey of the user, or null (another user's is null too). */
  find(userId: string, id: string): Promise<StoredPasskey | null>;
  /**
   * A successful assertion, atomically: when `counter` is above the stored one, or both are 0, it is stored with
   * `backedUp` and `lastUsedAt`; otherwise nothing changes (`counter`).
   */
  recordUse(userId: string, id: string, use: { counter: number; backedUp: boolean; now: number }): Promise<RecordUseResult>;
  /** Renames one; false when the user has no such passkey. */
  rename(userId: string, id: string, name: string): Promise<boolean>;
  /** Removes one (its id may be registered again); false when the user has no such passkey. */
  remove(userId: string, id: string): Promise<boolean>;
  /** Removes every passkey of the user: their ids. */
  removeAll(userId: string): Promise<string[]>;
}

/** What a challenge was issued for. */
export interface PasskeyChallengeRecord {
  /** `registration`, `sign-in` (discoverable, public), `second-factor` (an MFA token's), `reauthenticate`. */
  purpose: 'registration' | 'sign-in' | 'second-factor' | 'reauthenticate';
  /** The user it was issued to (null for a public sign-in: the passkey says who). */
  userId: string | null;
  /** What it is bound to (the MFA token's hash for `second-factor`), else null. */
  binding: string | null;
  /** Whether the response must show user verification. */
  userVerification: 'required' | 'preferred';
}

/** Issued challenges, single use. */
export interface PasskeyChallengeStore {
  /** Keeps a challenge (base64url of 32 random bytes) until `expiresAt`. */
  save(challenge: string, record: PasskeyChallengeRecord, expiresAt: number): Promise<void>;
  /** Takes a challenge out, atomically (of two calls with one challenge, one gets it): its record, or null when unknown or expired. */
  consume(challenge: string, now: number): Promise<PasskeyChallengeRecord | null>;
}

/** Injection tokens of the ports (interface + token of the same name). */
export const PasskeyCredentialStore = Symbol('PasskeyCredentialStore');
export const PasskeyChallengeStore = Symbol('PasskeyChallengeStore');
