import type { AuthEventMap, UserEvent } from '../../core/events/auth-event.payloads';

/** The events of account recovery (in the public `AuthEvent` too). */
export const RecoveryEvent = {
  /** A password was reset with a one-time token. */
  PasswordReset: 'authkit.password.reset',
  /** The user's email was verified with a one-time token. */
  EmailVerified: 'authkit.email.verified',
  /** The mailbox owner declined a registration ("this was not me"): the registrant's password, identities and sessions are gone. */
  RegistrationDeclined: 'authkit.email.registration_declined',
} as const satisfies Record<string, keyof AuthEventMap>;

export interface PasswordResetEvent extends UserEvent {
  revokedSessions: number;
}

export interface EmailVerifiedEvent extends UserEvent {
  email: string;
}

export interface RegistrationDeclinedEvent extends UserEvent {
  revokedSessions: number;
  identitiesRemoved: number;
}

declare module '../../core/events/auth-event.payloads' {
  interface AuthEventMap {
    'authkit.password.reset': PasswordResetEvent;
    'authkit.email.verified': EmailVerifiedEvent;
    'authkit.email.registration_declined': RegistrationDeclinedEvent;
  }
}
