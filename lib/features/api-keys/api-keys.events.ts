import type { AuthEventMap, UserEvent } from '../../core/events/auth-event.payloads';

/** The events of the API-key feature (in the public `AuthEvent` too). Never the key. */
export const ApiKeyEvent = {
  /** A key was created. */
  ApiKeyCreated: 'authkit.api_key.created',
  /** A key was revoked, by its owner or an admin (`actorId`). */
  ApiKeyRevoked: 'authkit.api_key.revoked',
} as const satisfies Record<string, keyof AuthEventMap>;

export interface ApiKeyEventPayload extends UserEvent {
  keyId: string;
  scopes?: string[];
  actorId?: string;
}

declare module '../../core/events/auth-event.payloads' {
  interface AuthEventMap {
    'authkit.api_key.created': ApiKeyEventPayload;
    'authkit.api_key.revoked': ApiKeyEventPayload;
  }
}
