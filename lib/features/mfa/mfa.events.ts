import type { AuthEventMap, UserEvent } from '../../core/events/auth-event.payloads';

/** The events of the MFA feature (in the public `AuthEvent` too). Never a secret or a code. */
export const MfaEvent = {
  /** TOTP was turned on (recovery codes issued). */
  MfaEnrolled: 'authkit.mfa.enrolled',
  /** Every factor was removed, by the user or an admin (`actorId`). */
  MfaDisabled: 'authkit.mfa.disabled',
  /** A second factor passed: a sign-in finished, or a management action was allowed. */
  MfaVerified: 'authkit.mfa.verified',
  /** A wrong or replayed code. */
  MfaFailed: 'authkit.mfa.failed',
  /** A recovery code was used up. */
  MfaRecoveryCodeUsed: 'authkit.mfa.recovery_code_used',
} as const satisfies Record<string, keyof AuthEventMap>;

/** How the second factor was shown (`passkey` with the passkeys feature). */
export type MfaMethod = 'totp' | 'recovery_code' | 'passkey';

export interface MfaVerifiedEvent extends UserEvent {
  method: MfaMethod;
  /** `sign-in` (POST /auth/mfa/verify), `reauthenticate` (POST /auth/reauthenticate) or the management action it allowed. */
  purpose: 'sign-in' | 'reauthenticate' | 'disable' | 'recovery_codes';
}

export interface MfaFailedEvent extends UserEvent {
  /** `mfa_code_invalid`, or `too_many_attempts` when the user's failures reached the limit. */
  reason: string;
  /** Wrong codes the MFA token may still take (sign-in only). */
  attemptsLeft?: number;
}

export interface MfaRecoveryCodeUsedEvent extends UserEvent {
  recoveryCodesLeft: number;
}

declare module '../../core/events/auth-event.payloads' {
  interface AuthEventMap {
    'authkit.mfa.enrolled': UserEvent;
    'authkit.mfa.disabled': UserEvent;
    'authkit.mfa.verified': MfaVerifiedEvent;
    'authkit.mfa.failed': MfaFailedEvent;
    'authkit.mfa.recovery_code_used': MfaRecoveryCodeUsedEvent;
  }
}
