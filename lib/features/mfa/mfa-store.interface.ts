/**
 * Where the MFA feature keeps a user's second factors and the pending sign-ins it challenges. Two ports, each
 * with a memory and a Redis adapter (every operation a single atomic step; on Redis one script on the user's
 * slot) and one contract suite (`nestjs-authkit/testing`: `mfaFactorStoreContract`, `mfaChallengeStoreContract`).
 * Times are epoch milliseconds given by the caller, so a test clock moves them. Nothing here sees a secret in
 * clear: TOTP secrets arrive encrypted, recovery codes and challenge tokens as SHA-256 hashes.
 */

/** What a user has enrolled. */
export interface MfaFactors {
  /** The confirmed TOTP secret, encrypted (`MfaSecretCipher`); null without TOTP. */
  totpSecret: string | null;
  /** A TOTP secret set up but not confirmed yet (encrypted), null when none or expired. */
  pendingTotpSecret: string | null;
  /** Unused recovery codes. */
  recoveryCodesLeft: number;
}

/** What finishes a sign-in (or a step-up) for a user with these factors: `totp`, and `recovery_code` while codes are left. */
export function methodsOf(factors: MfaFactors): string[] {
  if (!factors.totpSecret) return [];
  return factors.recoveryCodesLeft > 0 ? ['totp', 'recovery_code'] : ['totp'];
}

/** What `confirmTotp` did. */
export type ConfirmTotpResult = 'confirmed' | 'no_pending' | 'replayed';

/** A user's second factors. */
export interface MfaFactorStore {
  /** The user's factors (no record: no TOTP, no pending secret, 0 codes). */
  factors(userId: string, now: number): Promise<MfaFactors>;
  /** Keeps a TOTP secret being set up until `expiresAt` (replaces an earlier pending one; the confirmed one stays). */
  savePendingTotp(userId: string, encryptedSecret: string, expiresAt: number): Promise<void>;
  /**
   * Turns the pending secret on, atomically: it must be there and unexpired (`no_pending`), and `step` (the
   * step of the code that confirmed it) later than the last step accepted for the user (`replayed`); then the
   * secret becomes the TOTP secret, `step` the last step accepted, and `recoveryCodeHashes` the recovery codes.
   */
  confirmTotp(userId: string, input: { step: number; recoveryCodeHashes: readonly string[]; now: number }): Promise<ConfirmTotpResult>;
  /**
   * Records that a TOTP code of `step` was accepted, atomically: true only when the user has TOTP on and `step`
   * is later than every step accepted before (a code is never accepted twice, not even by two requests at once).
   */
  acceptStep(userId: string, step: number): Promise<boolean>;
  /** Uses up one recovery code (by its hash), atomically: the codes left after, or null when it is not one of them. */
  useRecoveryCode(userId: string, codeHash: string): Promise<number | null>;
  /** Replaces the recovery codes (the old set is void) when the user has TOTP on; false otherwise. */
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<boolean>;
  /** Removes every factor (TOTP, pending secret, recovery codes); the last step accepted is kept. True when there was one. */
  removeAll(userId: string): Promise<boolean>;
}

/** A sign-in suspended until the second factor: what the MFA token stands for. */
export interface MfaChallengeRecord {
  userId: string;
  /** The user's credential version when the first factor passed: a change since voids the challenge. */
  credentialVersion: number;
  /** The primary factor, to resume the sign-in with. */
  method: string;
  provider?: string;
  amr: string[];
  kind: 'sign-in' | 'registration';
  created: boolean;
  /** SHA-256 of the client's user agent: the token only works from the client it was given to. */
  clientHash: string;
  /** An enrolment challenge (`mfa.required` covers a user without a factor): the token only sets up and confirms TOTP. */
  enrol?: boolean;
}

/** Where `fail` leaves things. */
export interface MfaFailure {
  /** Wrong codes the challenge may still take (0: it is gone). */
  attemptsLeft: number;
  /** The user's failures in the current throttle window, every challenge together. */
  userFailures: number;
}

/** Pending sign-ins (by the SHA-256 of their MFA token), and a per-user failure count across them. */
export interface MfaChallengeStore {
  /** Stores a challenge until `expiresAt`, allowing `maxAttempts` wrong codes. */
  create(tokenHash: string, record: MfaChallengeRecord, options: { expiresAt: number; maxAttempts: number }): Promise<void>;
  /** The live challenge (not expired, attempts left), without using it; null otherwise. */
  find(userId: string, tokenHash: string, now: number): Promise<MfaChallengeRecord | null>;
  /**
   * A wrong code, atomically: one attempt less for the challenge (gone at 0; `tokenHash` null: no challenge,
   * e.g. a step-up) and one more failure for the user in a window of `windowMs` started by its first failure.
   */
  fail(userId: string, tokenHash: string | null, options: { now: number; windowMs: number }): Promise<MfaFailure>;
  /** The user's failures in the current window. */
  failures(userId: string, now: number): Promise<{ count: number; resetAt: number }>;
  /** Uses the challenge up, atomically (single use): its record, or null when it is not live. */
  consume(userId: string, tokenHash: string, now: number): Promise<MfaChallengeRecord | null>;
  /** Removes the user's failure count (after an admin reset). */
  clearFailures(userId: string): Promise<void>;
}

/** Injection tokens of the ports (interface + token of the same name). */
export const MfaFactorStore = Symbol('MfaFactorStore');
export const MfaChallengeStore = Symbol('MfaChallengeStore');
