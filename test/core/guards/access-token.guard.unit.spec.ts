import 'reflect-metadata';
import { type ExecutionContext, HttpException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { AccessTokenGuard, OptionalAuth, Public } from '../../../lib';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { MemorySessionStore } from '../../../lib/adapters/memory/memory-session.store';
import type { AuthRequest } from '../../../lib/core/guards/auth-request';
import { AccessTokenMissingError, SessionRevokedError, StoreUnavailableError } from '../../../lib/core/errors/auth.errors';
import { sessionStoreSettings } from '../../../lib/core/sessions/session.options';
import { TokenService } from '../../../lib/core/tokens/token.service';

/**
 * AccessTokenGuard against a real MemorySessionStore: the session check of the default mode, @OptionalAuth() (a
 * bad token is anonymous, a store outage is 503), the one accepted header form, the principal it sets and the
 * mark that lets a second guard skip the work (and nothing else).
 */
const sessionOptions = resolveAuthOptions({ jwt: { secret: 'x'.repeat(32) } });
const statelessOptions = resolveAuthOptions({ jwt: { secret: 'x'.repeat(32) }, accessTokenValidation: 'stateless' });
const tokens = new TokenService(sessionOptions.jwt);
const sign = (sessionId = 's1') =>
  tokens.signAccessToken({ userId: 'u1', sessionId, roles: ['user', 'editor'], email: 'a@example.test', claims: { tenant: 't1' }, amr: ['pwd'], authTime: 1_700_000_000_000 }).accessToken;

class Routes {
  @Public()
  open(): void {}
  @OptionalAuth()
  optional(): void {}
  guarded(): void {}
}

type Request = { headers: Record<string, unknown>; user?: Record<string | symbol, unknown> };
type Response = { headers: Record<string, string>; setHeader(name: string, value: string): void };

function http(handler: keyof Routes, request: Request): { context: ExecutionContext; response: Response } {
  const response: Response = { headers: {}, setHeader(name, value) { this.headers[name] = value; } };
  return { context: new ExecutionContextHost([request, response, () => undefined], Routes, Routes.prototype[handler]), response };
}

const stores: MemorySessionStore[] = [];
afterEach(() => stores.splice(0).forEach((store) => store.close()));

async function setup(mode: 'session' | 'stateless' = 'session') {
  const options = mode === 'session' ? sessionOptions : statelessOptions;
  const sessions = new MemorySessionStore(sessionStoreSettings(options.sessions));
  stores.push(sessions);
  await sessions.create({ userId: 'u1', sessionId: 's1', secretHash: 'h'.repeat(43), credentialVersion: 0 });
  return { sessions, guard: new AccessTokenGuard(new Reflector(), tokens, sessions, options.sessions) };
}

/** The HttpException a refusal became: status, body code and the headers set on the response. */
async function refusal(run: () => unknown, response: Response) {
  let error: unknown;
  try {
    await run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(HttpException);
  const http = error as HttpException;
  return { status: http.getStatus(), code: (http.getResponse() as { code: string }).code, headers: response.headers };
}

describe('AccessTokenGuard (unit)', () => {
  it('session mode: a valid token of a live session passes and sets the principal the token describes', async () => {
    const { guard } = await setup();
    const request: Request = { headers: { authorization: `Bearer ${sign()}` } };
    await expect(guard.canActivate(http('guarded', request).context)).resolves.toBe(true);
    expect(Object.fromEntries(Object.entries(request.user!))).toEqual({
      id: 'u1', sessionId: 's1', roles: ['user', 'editor'], email: 'a@example.test', claims: { tenant: 't1' }, amr: ['pwd'], authTime: 1_700_000_000_000,
    });
  });

  it('session mode: a valid token whose session is gone is 401 session_revoked with WWW-Authenticate invalid_token', async () => {
    const { guard, sessions } = await setup();
    await sessions.revoke('u1', 's1');
    const { context, response } = http('guarded', { headers: { authorization: `Bearer ${sign()}` } });
    expect(await refusal(() => guard.canActivate(context), response)).toEqual({
      status: 401, code: 'session_revoked', headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
    await expect(guard.authenticate(sign('other'))).rejects.toBeInstanceOf(SessionRevokedError);
  });

  it('stateless mode: the token alone decides (a revoked session still passes until the token expires)', async () => {
    const { guard, sessions } = await setup('stateless');
    await sessions.revoke('u1', 's1');
    const exists = jest.spyOn(sessions, 'exists');
    const request: Request = { headers: { authorization: `Bearer ${sign()}` } };
    expect(guard.canActivate(http('guarded', request).context)).toBe(true);
    expect(request.user?.id).toBe('u1');
    await expect(guard.authenticate(sign())).resolves.toMatchObject({ id: 'u1', sessionId: 's1' });
    expect(exists).not.toHaveBeenCalled();
  });

  it('a missing token is 401 access_token_missing with a plain Bearer challenge; authenticate(undefined) says the same', async () => {
    const { guard } = await setup();
    const { context, response } = http('guarded', { headers: {} });
    expect(await refusal(() => guard.canActivate(context), response)).toEqual({ status: 401, code: 'access_token_missing', headers: { 'WWW-Authenticate': 'Bearer' } });
    await expect(guard.authenticate(undefined)).rejects.toBeInstanceOf(AccessTokenMissingError);
    await expect(guard.authenticate('')).rejects.toBeInstanceOf(AccessTokenMissingError);
  });

  it('a store outage fails closed: 503 store_unavailable with Retry-After, for protected and optional routes', async () => {
    const { guard, sessions } = await setup();
    jest.spyOn(sessions, 'exists').mockRejectedValue(new StoreUnavailableError());
    for (const route of ['guarded', 'optional'] as const) {
      const request: Request = { headers: { authorization: `Bearer ${sign()}` } };
      const { context, response } = http(route, request);
      expect(await refusal(() => guard.canActivate(context), response)).toEqual({ status: 503, code: 'store_unavailable', headers: { 'Retry-After': '1' } });
      expect(request.user).toBeUndefined();
    }
  });

  it('@OptionalAuth(): no token, a bad token or a revoked session is anonymous; a valid one sets the user', async () => {
    const { guard, sessions } = await setup();
    const anonymous = async (headers: Record<string, unknown>) => {
      const request: Request = { headers };
      await expect(guard.canActivate(http('optional', request).context)).resolves.toBe(true);
      expect(request.user).toBeUndefined();
    };
    await anonymous({});
    await anonymous({ authorization: 'Bearer not-a-jwt' });
    await anonymous({ authorization: `Bearer ${sign('gone')}` });
    const request: Request = { headers: { authorization: `Bearer ${sign()}` } };
    await expect(guard.canActivate(http('optional', request).context)).resolves.toBe(true);
    expect(request.user).toMatchObject({ id: 'u1', sessionId: 's1' });
    // Anything that is not an AuthError is a bug, not an anonymous visitor: it propagates unchanged.
    const bug = new TypeError('bug');
    jest.spyOn(sessions, 'exists').mockRejectedValue(bug);
    await expect(guard.canActivate(http('optional', { headers: { authorization: `Bearer ${sign()}` } }).context)).rejects.toBe(bug);
    await expect(guard.canActivate(http('guarded', { headers: { authorization: `Bearer ${sign()}` } }).context)).rejects.toBe(bug);
  });

  it('reads only "Bearer <token>" from Authorization: any case, extra spaces; nothing else', async () => {
    const { guard } = await setup('stateless');
    const token = sign();
    const accepted = (authorization: unknown) => {
      const request: Request = { headers: { authorization } };
      expect(guard.canActivate(http('guarded', request).context)).toBe(true);
      expect(request.user?.id).toBe('u1');
    };
    const missing = async (headers: Record<string, unknown>) => {
      const { context, response } = http('guarded', { headers });
      expect((await refusal(() => guard.canActivate(context), response)).code).toBe('access_token_missing');
    };
    accepted(`Bearer ${token}`);
    accepted(`bearer ${token}`);
    accepted(`BEARER   ${token}`);
    accepted(`Bearer ${token}  `);
    await missing({ authorization: 'Bearer' });
    await missing({ authorization: 'Bearer ' });
    await missing({ authorization: `Bearer ${token} extra` });
    await missing({ authorization: `Basic ${token}` });
    await missing({ authorization: `xBearer ${token}` });
    await missing({ authorization: `Bearer\t${token}` });
    await missing({ authorization: [`Bearer ${token}`] });
    await missing({ 'x-access-token': token });
    const { context, response } = http('guarded', { headers: { authorization: 'Bearer not-a-jwt' } });
    expect((await refusal(() => guard.canActivate(context), response)).code).toBe('access_token_invalid');
  });

  it('copies the roles and amr it puts on request.user: a handler changing them changes nothing else', async () => {
    const { guard } = await setup('stateless');
    const token = sign();
    const first: Request = { headers: { authorization: `Bearer ${token}` } };
    guard.canActivate(http('guarded', first).context);
    (first.user!.roles as string[]).push('admin');
    (first.user!.amr as string[]).push('otp');
    const second: Request = { headers: { authorization: `Bearer ${token}` } };
    guard.canActivate(http('guarded', second).context);
    expect(second.user).toMatchObject({ roles: ['user', 'editor'], amr: ['pwd'] });
  });

  it('verifies a request once when two guards run (its own mark), but never trusts a request.user set by anything else', async () => {
    const { guard, sessions } = await setup();
    const request: Request = { headers: { authorization: `Bearer ${sign()}` } };
    await guard.canActivate(http('guarded', request).context);
    const exists = jest.spyOn(sessions, 'exists');
    delete request.headers.authorization;
    expect(guard.canActivate(http('guarded', request).context)).toBe(true);
    expect(exists).not.toHaveBeenCalled();
    const forged: Request = { headers: {}, user: { id: 'admin', roles: ['admin'] } };
    const { context, response } = http('guarded', forged);
    expect((await refusal(() => guard.canActivate(context), response)).code).toBe('access_token_missing');
    const forgedOptional: Request = { headers: { authorization: 'Bearer not-a-jwt' }, user: { id: 'admin' } };
    await expect(guard.canActivate(http('optional', forgedOptional).context)).resolves.toBe(true);
  });

  it('a subclass whose getRequest() yields a request without headers is refused as a missing token, not a crash', async () => {
    class HeaderlessGuard extends AccessTokenGuard {
      protected override getRequest(): AuthRequest {
        return {} as AuthRequest;
      }
    }
    const { sessions } = await setup();
    const guard = new HeaderlessGuard(new Reflector(), tokens, sessions, sessionOptions.sessions);
    const { context, response } = http('guarded', { headers: {} });
    expect(await refusal(() => guard.canActivate(context), response)).toEqual({ status: 401, code: 'access_token_missing', headers: { 'WWW-Authenticate': 'Bearer' } });
    await expect(guard.canActivate(http('optional', { headers: {} }).context)).resolves.toBe(true);
  });

  it('@Public() routes are not checked at all', async () => {
    const { guard } = await setup();
    const request: Request = { headers: { authorization: 'Bearer not-a-jwt' } };
    expect(guard.canActivate(http('open', request).context)).toBe(true);
    expect(request.user).toBeUndefined();
  });

  it('an overridden isOptional() is asked on every request', async () => {
    class HeaderGuard extends AccessTokenGuard {
      protected override isOptional(context: ExecutionContext): boolean {
        return context.switchToHttp().getRequest<Request>().headers['x-optional'] === 'yes';
      }
    }
    const { sessions } = await setup();
    const guard = new HeaderGuard(new Reflector(), tokens, sessions, sessionOptions.sessions);
    await expect(guard.canActivate(http('guarded', { headers: { 'x-optional': 'yes' } }).context)).resolves.toBe(true);
    const { context, response } = http('guarded', { headers: {} });
    expect((await refusal(() => guard.canActivate(context), response)).code).toBe('access_token_missing');
    await expect(guard.canActivate(http('guarded', { headers: { 'x-optional': 'yes' } }).context)).resolves.toBe(true);
    // @Public() still wins over it.
    expect(guard.canActivate(http('open', { headers: {} }).context)).toBe(true);
  });
});
