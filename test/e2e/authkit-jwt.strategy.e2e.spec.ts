import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { type AuthenticatedUser, CurrentUser, TokenService } from '../../lib';
import { AUTHKIT_JWT_STRATEGY, AuthkitJwtStrategy } from '../../lib/passport';
import { decodeJwt, forgeHmac } from '../support/jwt-forge';
import { RedisServer } from '../support/redis-server';
import { createTestApp, http, TEST_SECRET, type TestApp, uniqueEmail } from '../support/test-app';

/** Routes guarded only by passport's AuthGuard with the library's strategy (global guards are off). */
@Controller('strategy')
class StrategyController {
  @UseGuards(AuthGuard(AUTHKIT_JWT_STRATEGY))
  @Get()
  me(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }
}

const PASSWORD = 'correct horse battery staple';

async function register(t: TestApp): Promise<{ accessToken: string; userId: string }> {
  const res = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('strategy'), password: PASSWORD } });
  expect(res.status).toBe(201);
  return { accessToken: res.body.accessToken, userId: res.body.user.id };
}

// Passport keeps strategies in one process-wide registry, so these apps run one after another.
describe("AuthkitJwtStrategy (AuthGuard('authkit-jwt'))", () => {
  describe('default (session) mode', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({}, { globalGuards: false }, { controllers: [StrategyController], providers: [AuthkitJwtStrategy] });
    });
    afterAll(() => t.close());

    it('is registered by the app (from nestjs-authkit/passport) under AUTHKIT_JWT_STRATEGY', () => {
      expect(AUTHKIT_JWT_STRATEGY).toBe('authkit-jwt');
      expect(t.app.get(AuthkitJwtStrategy)).toBeInstanceOf(AuthkitJwtStrategy);
    });

    it('accepts the library access token and sets request.user like AccessTokenGuard', async () => {
      const { accessToken, userId } = await register(t);
      const res = await http(t.url, 'GET', '/strategy', { token: accessToken });
      expect(res.status).toBe(200);
      const { sid, email, auth_time: authTime } = decodeJwt(accessToken).payload;
      expect(res.body).toEqual({ id: userId, sessionId: sid, roles: ['user'], email, claims: {}, amr: ['pwd'], authTime: (authTime as number) * 1000 });
    });

    it('rejects a token whose session was revoked (logout), with code session_revoked', async () => {
      const { accessToken } = await register(t);
      expect((await http(t.url, 'POST', '/auth/logout', { token: accessToken })).status).toBe(204);
      const res = await http(t.url, 'GET', '/strategy', { token: accessToken });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('session_revoked');
    });

    it('rejects no token, a bad signature, another typ, another alg, a wrong audience and an expired token', async () => {
      const { accessToken } = await register(t);
      const { header, payload } = decodeJwt(accessToken);
      const now = Math.floor(Date.now() / 1000);
      const bad = [
        undefined,
        `${accessToken.slice(0, -2)}${accessToken.endsWith('AA') ? 'BB' : 'AA'}`,
        forgeHmac({ ...header, typ: 'JWT' }, payload, TEST_SECRET),
        forgeHmac({ ...header, alg: 'HS512' }, payload, TEST_SECRET, 'sha512'),
        forgeHmac(header, { ...payload, aud: 'someone-else' }, TEST_SECRET),
        forgeHmac(header, { ...payload, iat: now - 3600, exp: now - 600 }, TEST_SECRET),
        forgeHmac(header, { ...payload, exp: undefined }, TEST_SECRET),
        forgeHmac(header, { ...payload, sid: undefined }, TEST_SECRET),
        forgeHmac(header, payload, 'another-secret-that-is-at-least-32-bytes'),
      ];
      for (const token of bad) {
        expect((await http(t.url, 'GET', '/strategy', { token })).status).toBe(401);
      }
      // The same forging code, with nothing changed, is accepted: the rejections above are for the changes.
      expect((await http(t.url, 'GET', '/strategy', { token: forgeHmac(header, payload, TEST_SECRET) })).status).toBe(200);
    });

    it('verifies with the keys TokenService signs with, and checks the session of every token', async () => {
      const { accessToken: issued, userId } = await register(t);
      const tokens = t.app.get(TokenService);
      const sessionId = decodeJwt(issued).payload.sid as string;
      const signed = tokens.signAccessToken({ userId, sessionId, roles: ['user', 'extra'] }).accessToken;
      expect(await http(t.url, 'GET', '/strategy', { token: signed })).toMatchObject({ status: 200, body: { id: userId, sessionId, roles: ['user', 'extra'] } });
      const orphan = tokens.signAccessToken({ userId, sessionId: 'no-such-session-000000', roles: ['user'] }).accessToken;
      const res = await http(t.url, 'GET', '/strategy', { token: orphan });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('session_revoked');
    });
  });

  describe("'stateless' mode", () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ accessTokenValidation: 'stateless' }, { globalGuards: false }, { controllers: [StrategyController], providers: [AuthkitJwtStrategy] });
    });
    afterAll(() => t.close());

    it('does not check the session: a logged-out token stays valid until it expires', async () => {
      const { accessToken } = await register(t);
      expect((await http(t.url, 'POST', '/auth/logout', { token: accessToken })).status).toBe(204);
      expect((await http(t.url, 'GET', '/strategy', { token: accessToken })).status).toBe(200);
    });
  });

  describe('Redis down', () => {
    let server: RedisServer;
    let t: TestApp;
    beforeAll(async () => {
      server = await RedisServer.start();
      t = await createTestApp({ redis: { url: server.url } }, { globalGuards: false }, { controllers: [StrategyController], providers: [AuthkitJwtStrategy] });
    });
    afterAll(async () => {
      await t.close();
      await server.stop();
    });

    it('fails closed with 503 store_unavailable while the session cannot be checked, and recovers', async () => {
      const { accessToken } = await register(t);
      expect((await http(t.url, 'GET', '/strategy', { token: accessToken })).status).toBe(200);
      await server.stop();
      const res = await http(t.url, 'GET', '/strategy', { token: accessToken });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('store_unavailable');
      await server.start(); // a fresh, empty server: the old session is gone
      // The client reconnects by itself (back-off capped at 1 s): poll rather than sleep a fixed time.
      let status = 503;
      for (let i = 0; i < 50 && status === 503; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = (await http(t.url, 'GET', '/strategy', { token: accessToken })).status;
      }
      expect(status).toBe(401);
      expect((await http(t.url, 'GET', '/strategy', { token: (await register(t)).accessToken })).status).toBe(200);
    });
  });
});
