import { Injectable, Logger, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
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
export class AuthEvents {
  private readonly logger = new Logger('AuthKit');
  private sink: EventSink | null | undefined;

  constructor(@Optional() private readonly moduleRef?: ModuleRef, @Optional() sink?: EventSink) {
    if (sink) this.sink = sink;
  }

  /** Emits `name` with `payload` (frozen, `at` defaulting to now). */
  emit<K extends AuthEventName>(name: K, payload: AuthEventInput<K>): void {
    const sink = this.resolveSink();
    if (!sink) return;
    const event = { ...payload, at: payload.at ?? Date.now() } as AuthEventBase;
    if (typeof event.userAgent === 'string' && event.userAgent.length > USER_AGENT_MAX) event.userAgent = event.userAgent.slice(0, USER_AGENT_MAX);
    for (const key of Object.keys(event) as (keyof AuthEventBase)[]) if (event[key] === undefined) delete event[key];
    try {
      sink.emit(name, Object.freeze(event));
    } catch (error) {
      this.logger.error(`A listener of ${name} failed: ${error instanceof Error ? error.name : 'error'}`);
    }
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
