import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { AuthEvent, type AuthEventBase } from '../../../lib';
import { AuthEvents } from '../../../lib/core/events/auth-events.emitter';

@Injectable()
class Recorder {
  readonly seen: { name: string; payload: AuthEventBase }[] = [];
  @OnEvent(AuthEvent.Logout)
  onLogout(payload: AuthEventBase): void {
    this.seen.push({ name: AuthEvent.Logout, payload });
  }
  @OnEvent(AuthEvent.Throttled)
  onThrottled(): void {
    throw new Error('listener bug');
  }
}

@Module({ providers: [AuthEvents, Recorder] })
class WithEmitter {}

@Module({ providers: [AuthEvents] })
class WithoutEmitter {}

describe('AuthEvents', () => {
  it('forwards to EventEmitter2 when the app registered EventEmitterModule, with `at` set and undefined fields dropped', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [EventEmitterModule.forRoot(), WithEmitter] }).compile();
    await moduleRef.init();
    const events = moduleRef.get(AuthEvents);
    expect(events.enabled).toBe(true);
    events.emit(AuthEvent.Logout, { userId: 'u1', sessionId: 's1', ip: '127.0.0.1', userAgent: undefined });
    const seen = moduleRef.get(Recorder).seen;
    expect(seen).toHaveLength(1);
    expect(seen[0].payload).toEqual({ userId: 'u1', sessionId: 's1', ip: '127.0.0.1', at: expect.any(Number) });
    expect(Object.isFrozen(seen[0].payload)).toBe(true);
    await moduleRef.close();
  });

  it('a throwing listener does not reach the auth flow', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [EventEmitterModule.forRoot(), WithEmitter] }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    expect(() => moduleRef.get(AuthEvents).emit(AuthEvent.Throttled, { action: 'login', retryAfterSeconds: 1 })).not.toThrow();
    await moduleRef.close();
  });

  it('does nothing (and never throws) when the app has no EventEmitterModule', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [WithoutEmitter] }).compile();
    await moduleRef.init();
    const events = moduleRef.get(AuthEvents);
    expect(() => events.emit(AuthEvent.Logout, { userId: 'u1', sessionId: 's1' })).not.toThrow();
    expect(events.enabled).toBe(false);
    await moduleRef.close();
  });
});
