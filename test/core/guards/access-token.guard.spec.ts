import 'reflect-metadata';
import { type ExecutionContext, HttpException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { AccessTokenGuard, OptionalAuth, Public } from '../../../lib';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { MemorySessionStore } from '../../../lib/adapters/memory/memory-session.store';
import { sessionStoreSettings } from '../../../lib/core/sessions/session.options';
import { TokenService } from '../../../lib/core/tokens/token.service';

const options = resolveAuthOptions({ jwt: { secret: 'x'.repeat(32) }, accessTokenValidation: 'stateless' });
const tokens = new TokenService(options.jwt);
const token = tokens.signAccessToken({ userId: 'u1', sessionId: 's1', roles: ['user'] }).accessToken;

class Routes {
  @Public()
  open(): void {}
  @OptionalAuth()
  optional(): void {}
  guarded(): void {}
}

type Request = { headers: Record<string, string>; user?: { id: string } };

function contextFor(handler: keyof Routes, request: Request): ExecutionContext {
  return new ExecutionContextHost([request, {}, () => undefined], Routes, Routes.prototype[handler]);
}

function guard<T extends AccessTokenGuard>(type: new (...args: ConstructorParameters<typeof AccessTokenGuard>) => T, reflector = new Reflector()): T {
  return new type(reflector, tokens, new MemorySessionStore(sessionStoreSettings(options.sessions)), options.sessions);
}

describe('AccessTokenGuard routes', () => {
  it('reads @Public() and @OptionalAuth() once per route, not per request', () => {
    const reflector = new Reflector();
    const lookups = jest.spyOn(reflector, 'getAllAndOverride');
    const subject = guard(AccessTokenGuard, reflector);
    for (let i = 0; i < 3; i++) {
      expect(subject.canActivate(contextFor('open', { headers: {} }))).toBe(true);
      expect(subject.canActivate(contextFor('guarded', { headers: { authorization: `Bearer ${token}` } }))).toBe(true);
    }
    // open: @Public() only; guarded: @Public(), then @OptionalAuth().
    expect(lookups).toHaveBeenCalledTimes(3);
  });

  it('tells the three kinds apart: public passes, optional passes anonymous, the rest needs a token', async () => {
    const subject = guard(AccessTokenGuard);
    expect(subject.canActivate(contextFor('open', { headers: {} }))).toBe(true);
    const anonymous: Request = { headers: {} };
    await expect(subject.canActivate(contextFor('optional', anonymous))).resolves.toBe(true);
    expect(anonymous.user).toBeUndefined();
    expect(() => subject.canActivate(contextFor('guarded', { headers: {} }))).toThrow(HttpException);
    const signedIn: Request = { headers: { authorization: `Bearer ${token}` } };
    expect(subject.canActivate(contextFor('guarded', signedIn))).toBe(true);
    expect(signedIn.user).toMatchObject({ id: 'u1', sessionId: 's1', roles: ['user'] });
  });

  it('asks an overridden isPublic() on every request (its answer may depend on the request)', () => {
    class HeaderGuard extends AccessTokenGuard {
      protected override isPublic(context: ExecutionContext): boolean {
        return context.switchToHttp().getRequest<Request>().headers['x-public'] === 'yes';
      }
    }
    const subject = guard(HeaderGuard);
    expect(subject.canActivate(contextFor('guarded', { headers: { 'x-public': 'yes' } }))).toBe(true);
    expect(() => subject.canActivate(contextFor('guarded', { headers: {} }))).toThrow(HttpException);
    expect(subject.canActivate(contextFor('guarded', { headers: { 'x-public': 'yes' } }))).toBe(true);
  });
});
