import type { AuthEventBase, AuthEventMap, UserEvent } from '../../core/events/auth-event.payloads';

/** The events of the passkeys feature (in the public `AuthEvent` too). Never a credential's key or a challenge. */
export const PasskeyEvent = {
  /** A passkey was registered. */
  PasskeyAdded: 'authkit.passkey.added',
  /** A passkey was removed, by the user or (`actorId`) an admin's MFA reset. */
  PasskeyRemoved: 'authkit.passkey.removed',
  /** A passkey passed: a sign-in (alone or as the second factor) or a step-up. */
  PasskeyUsed: 'authkit.passkey.used',
  /** A passkey response was refused (`reason`: the error code). */
  PasskeyFailed: 'authkit.passkey.failed',
} as const satisfies Record<string, keyof AuthEventMap>;

export interface PasskeyEventPayload extends UserEvent {
  /** The credential id (base64url; public, not a secret). */
  passkeyId: string;
}

export interface PasskeyUsedEvent extends PasskeyEventPayload {
  purpose: 'sign-in' | 'second-factor' | 'reauthenticate';
  userVerified: boolean;
}

export interface PasskeyFailedEvent extends AuthEventBase {
  /** The error code (`passkey_invalid`, `passkey_counter_invalid`...). `userId`: when the ceremony named one. */
  reason: string;
}

declare module '../../core/events/auth-event.payloads' {
  interface AuthEventMap {
    'authkit.passkey.added': PasskeyEventPayload;
    'authkit.passkey.removed': PasskeyEventPayload;
    'authkit.passkey.used': PasskeyUsedEvent;
    'authkit.passkey.failed': PasskeyFailedEvent;
  }
}
