import { type AuthEventName, KernelEvent } from './core/events/auth-event.names';
import { ApiKeyEvent } from './features/api-keys/api-keys.events';
import { MfaEvent } from './features/mfa/mfa.events';
import { PasskeyEvent } from './features/passkeys/passkeys.events';
import { OAuthEvent } from './features/oauth/oauth.events';
import { OrganizationEvent } from './features/organizations/organizations.events';
import { RecoveryEvent } from './features/recovery/recovery.events';

/**
 * The names of the events the library emits (through `@nestjs/event-emitter` when the app registered
 * `EventEmitterModule`): the kernel's and every built-in feature's, each declared next to its code. Subscribe
 * with `@OnEvent(AuthEvent.LoginFailed)`, or to all of them with `@OnEvent('authkit.**')` (wildcards on).
 *
 * @example
 * ```ts
 * @OnEvent(AuthEvent.RefreshReused)
 * onTheft(event: AuthEventPayloads[typeof AuthEvent.RefreshReused]) { this.alerts.send(event.userId); }
 * ```
 */
export const AuthEvent = { ...KernelEvent, ...OAuthEvent, ...RecoveryEvent, ...MfaEvent, ...OrganizationEvent, ...PasskeyEvent, ...ApiKeyEvent } as const;

/** Every built-in event name, for listeners that want them all. */
export const AUTH_EVENT_NAMES: readonly AuthEventName[] = Object.freeze(Object.values(AuthEvent));
