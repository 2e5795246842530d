import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { SecurityLog } from './security-log';

/** The key of the security log's email pseudonyms (the module derives it from the refresh-token server key). */
export const SECURITY_LOG_KEY = Symbol('AUTHKIT_SECURITY_LOG_KEY');
import { ModuleRef } from '@nestjs/core';
import type { ClientInfo } from '../auth.types';
import type { AuthEventName } from './auth-event.names';
import type { AuthEventBase, AuthEventMap } from './auth-event.payloads';

/** The one method of `EventEmitter2` used here. */
interface EventSink {
  emit(event: string, payload: unknown): unknown;
}

/** A payload as given to `AuthEvents.emit`: `at` is filled in. */
export type AuthEventInput<K extends AuthEventName> = Omit<AuthEventMap[K], 'at'> & { at?: number };

const USER_AGENT_MAX = 256;

/**
 * Emits the library's events (`AuthEvent`) through the app's `EventEmitter2` when the app registered
 * `EventEmitterModule` (the optional peer `@nestjs/event-emitter`), and does nothing otherwise. Never throws:
 * a failing listener is logged (by event name only) and the auth flow goes on.
 *
 * @example
 * ```ts
 * // app.module.ts: imports: [EventEmitterModule.forRoot({ wildcard: true }), AuthModule.forRoot({...})]
 * @OnEvent('authkit.**') audit(payload: AuthEventBase) { this.log.info(payload); }
 * ```
 */
@Injectable()
export class AuthEvents implements OnModuleDestroy {
  private readonly logger = new Logger('AuthKit');
  private sink: EventSink | null | undefined;
  /** The library's own listeners (a feature reacting to another's event), called whether or not the app has an emitter. */
  private readonly listeners = new Map<string, Array<(payload: never) => void>>();

  /**
   * The security log (structured `warn` lines; emails as keyed pseudonyms): one per module, so every service writes
   * the same pseudonym for one address.
   */
  readonly security: SecurityLog;

  constructor(@Optional() private readonly moduleRef?: ModuleRef, @Optional() sink?: EventSink, @Optional() @Inject(SECURITY_LOG_KEY) logKey?: Buffer) {
    if (sink) this.sink = sink;
    this.security = new SecurityLog(this.logger, logKey);
  }

  /**
   * Calls `listener` with every `name` event emitted from now on, in-process, even without `EventEmitterModule`:
   * how a feature reacts to another's event (the recovery feature mails a verification link on `Registered`)
   * without importing it. A listener that throws is logged and ignored. For the library's features; apps use
   * `@OnEvent`.
   */
  subscribe<K extends AuthEventName>(name: K, listener: (payload: Readonly<AuthEventMap[K]>) => void): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as (payload: never) => void);
    this.listeners.set(name, list);
  }

  /** `emit` with the client's ip and user agent added to the payload. */
  emitFor<K extends AuthEventName>(client: ClientInfo | undefined, name: K, payload: Omit<AuthEventInput<K>, 'ip' | 'userAgent'>): void {
    this.emit(name, { ...payload, ip: client?.ip, userAgent: client?.userAgent } as AuthEventInput<K>);
  }

  /** Emits `name` with `payload` (frozen, `at` defaulting to now). */
  emit<K extends AuthEventName>(name: K, payload: AuthEventInput<K>): void {
    const sink = this.resolveSink();
    const listeners = this.listeners.get(name);
    if (!sink && !listeners) return;
    const event = { ...payload, at: payload.at ?? Date.now() } as AuthEventBase;
    if (typeof event.userAgent === 'string' && event.userAgent.length > USER_AGENT_MAX) event.userAgent = event.userAgent.slice(0, USER_AGENT_MAX);
    for (const key of Object.keys(event) as (keyof AuthEventBase)[]) if (event[key] === undefined) delete event[key];
    Object.freeze(event);
    for (const listener of listeners ?? []) this.deliver(name, () => listener(event as never));
    if (sink) this.deliver(name, () => sink.emit(name, event));
  }

  private deliver(name: string, send: () => unknown): void {
    try {
      send();
    } catch (error) {
      this.logger.error(`A listener of ${name} failed: ${error instanceof Error ? error.name : 'error'}`);
    }
  }

  /** Writes the security log's held-back counts (throttled lines) before the app stops. */
  onModuleDestroy(): void {
    this.security.flush();
  }

  /** Whether an `EventEmitter2` is there to receive events. */
  get enabled(): boolean {
    return this.resolveSink() !== null;
  }

  private resolveSink(): EventSink | null {
    if (this.sink !== undefined) return this.sink;
    this.sink = null;
    if (!this.moduleRef) return null;
    let token: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      token = (require('@nestjs/event-emitter') as { EventEmitter2?: unknown }).EventEmitter2;
    } catch {
      return null; // the optional peer is not installed
    }
    if (typeof token !== 'function') return null;
    try {
      const found = this.moduleRef.get(token as new () => EventSink, { strict: false });
      if (found && typeof found.emit === 'function') this.sink = found;
    } catch {
      // installed but EventEmitterModule not registered: no events
    }
    return this.sink;
  }
}
