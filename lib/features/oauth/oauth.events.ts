import type { AuthEventMap, UserEvent } from '../../core/events/auth-event.payloads';

/** The events of the OAuth feature (in the public `AuthEvent` too). */
export const OAuthEvent = {
  /** An OAuth identity was linked to a user. */
  IdentityLinked: 'authkit.identity.linked',
  /** An OAuth identity was unlinked from a user. */
  IdentityUnlinked: 'authkit.identity.unlinked',
} as const satisfies Record<string, keyof AuthEventMap>;

export interface IdentityEvent extends UserEvent {
  provider: string;
}

declare module '../../core/events/auth-event.payloads' {
  interface AuthEventMap {
    'authkit.identity.linked': IdentityEvent;
    'authkit.identity.unlinked': IdentityEvent;
  }
}
