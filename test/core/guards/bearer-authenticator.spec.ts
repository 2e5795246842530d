import 'reflect-metadata';
import { type ExecutionContext, HttpException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { AccessTokenGuard, type AuthenticatedUser, type BearerAuthenticator, OptionalAuth, Public } from '../../../lib';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { MemorySessionStore } from '../../../lib/adapters/memory/memory-session.store';
import { AuthError, StoreUnavailableError } from '../../../lib/core/errors/auth.errors';
import { sessionStoreSettings } from '../../../lib/core/sessions/session.options';
import { TokenService } from '../../../lib/core/tokens/token.service';

/** The kernel's extension point: `AccessTokenGuard` hands the credentials a `BearerAuthenticator` recognises to it. */
class Routes {
  @Public()
  open(): void {}
  @OptionalAuth()
  optional(): void {}
  guarded(): void {}
}

class KeyRefused extends AuthError {
  static override readonly code = 'key_refused';
}

class FakeKeys implements BearerAuthenticator {
  calls = 0;
  constructor(private readonly outcome: () => AuthenticatedUser) {}
  recognises(credential: string): boolean {
    return credential.startsWith('key_');
  }
  async authenticate(): Promise<AuthenticatedUser> {
    this.calls++;
    return this.outcome();
  }
}

const principal = (): AuthenticatedUser => ({ id: 'owner', sessionId: '', roles: [], type: 'api_key', apiKey: { id: 'k1', scopes: [] } });
const context = (handler: keyof Routes, request: { headers: Record<string, unknown>; user?: unknown }): ExecutionContext =>
  new ExecutionContextHost([request, { setHeader() {} }, () => undefined], Routes, Routes.prototype[handler]);

describe('AccessTokenGuard with a BearerAuthenticator', () => {
  const stores: MemorySessionStore[] = [];
  afterEach(() => stores.splice(0).forEach((store) => store.close()));

  function guard(mode: 'session' | 'stateless', keys: FakeKeys | null) {
    const options = resolveAuthOptions({ jwt: { secret: 'x'.repeat(32) }, accessTokenValidation: mode });
    const sessions = new MemorySessionStore(sessionStoreSettings(options.sessions));
    stores.push(sessions);
    return { tokens: new TokenService(options.jwt), guard: new AccessTokenGuard(new Reflector(), new TokenService(options.jwt), sessions, options.sessions, null, keys) };
  }

  it.each(['session', 'stateless'] as const)('%s mode: a recognised credential goes to the authenticator, its principal is marked (a second guard does nothing)', async (mode) => {
    const keys = new FakeKeys(principal);
    const { guard: g } = guard(mode, keys);
    const request = { headers: { authorization: 'Bearer key_abc' } } as { headers: Record<string, unknown>; user?: AuthenticatedUser };
    await expect(g.canActivate(context('guarded', request))).resolves.toBe(true);
    expect(Object.fromEntries(Object.entries(request.user!))).toEqual(principal());
    expect(g.canActivate(context('guarded', request))).toBe(true); // marked: answered at once
    expect(keys.calls).toBe(1);
  });

  it('a refusal is the guard\'s refusal (the error\'s status and code); a public route never asks', async () => {
    const { guard: g } = guard('session', new FakeKeys(() => { throw new KeyRefused(); }));
    let error: unknown;
    try {
      await g.canActivate(context('guarded', { headers: { authorization: 'Bearer key_abc' } }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HttpException);
    expect([(error as HttpException).getStatus(), ((error as HttpException).getResponse() as { code: string }).code]).toEqual([401, 'key_refused']);
    const keys = new FakeKeys(principal);
    expect(guard('session', keys).guard.canActivate(context('open', { headers: { authorization: 'Bearer key_abc' } }))).toBe(true);
    expect(keys.calls).toBe(0);
  });

  it('@OptionalAuth(): a refused credential is anonymous, a store outage is not', async () => {
    const request: { headers: Record<string, unknown>; user?: unknown } = { headers: { authorization: 'Bearer key_abc' } };
    await expect(guard('session', new FakeKeys(() => { throw new KeyRefused(); })).guard.canActivate(context('optional', request))).resolves.toBe(true);
    expect(request.user).toBeUndefined();
    await expect(guard('session', new FakeKeys(() => { throw new StoreUnavailableError(); })).guard.canActivate(context('optional', request))).rejects.toBeInstanceOf(HttpException);
  });

  it('a JWT is not recognised and takes the usual path', async () => {
    const keys = new FakeKeys(principal);
    const { guard: g, tokens } = guard('stateless', keys);
    const jwt = tokens.signAccessToken({ userId: 'u1', sessionId: 's1', roles: ['user'], email: 'a@example.test', claims: {}, amr: ['pwd'], authTime: Date.now() }).accessToken;
    const request = { headers: { authorization: `Bearer ${jwt}` } } as { headers: Record<string, unknown>; user?: AuthenticatedUser };
    expect(g.canActivate(context('guarded', request))).toBe(true);
    expect(request.user?.id).toBe('u1');
    expect(keys.calls).toBe(0);
  });
});
