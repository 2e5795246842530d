import { Controller, Get, HttpException, UseGuards } from '@nestjs/common';
import { type AuthenticatedUser, CurrentUser, SessionRevokedError } from '../../lib';
import { toHttpException } from '../../lib/core/errors/auth-http-status';
import { AuthkitAuthGuard, AuthkitJwtStrategy } from '../../lib/passport';
import { decodeJwt, forgeHmac } from '../support/jwt-forge';
import { createTestApp, http, TEST_SECRET, type TestApp, uniqueEmail } from '../support/test-app';

@Controller('composed')
class ComposedController {
  @UseGuards(AuthkitAuthGuard())
  @Get()
  me(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }
}

// Passport composition: AuthGuard('authkit-jwt') of @nestjs/passport, answering with the library's error shape.
describe("AuthkitAuthGuard() (AuthGuard('authkit-jwt') with the library's errors)", () => {
  let t: TestApp;
  let accessToken: string;

  beforeAll(async () => {
    t = await createTestApp({}, { globalGuards: false }, { controllers: [ComposedController], providers: [AuthkitJwtStrategy] });
    const res = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('composed'), password: 'correct horse battery staple' } });
    accessToken = res.body.accessToken;
  });
  afterAll(() => t.close());

  it('lets a valid token through and fills @CurrentUser()', async () => {
    const res = await http(t.url, 'GET', '/composed', { token: accessToken });
    expect(res.status).toBe(200);
    expect(res.body.sessionId).toBe(decodeJwt(accessToken).payload.sid);
  });

  it('answers { statusCode, code, message } and WWW-Authenticate, never passport\'s bare 401', async () => {
    const { header, payload } = decodeJwt(accessToken);
    const now = Math.floor(Date.now() / 1000);
    const cases: [string | undefined, string][] = [
      [undefined, 'access_token_missing'],
      [forgeHmac(header, { ...payload, iat: now - 3600, exp: now - 600 }, TEST_SECRET), 'access_token_expired'],
      [forgeHmac(header, payload, 'another-secret-that-is-at-least-32-bytes'), 'access_token_invalid'],
    ];
    for (const [token, code] of cases) {
      const res = await http(t.url, 'GET', '/composed', { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, code });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await http(t.url, 'POST', '/auth/logout', { token: accessToken })).status).toBe(204);
    const revoked = await http(t.url, 'GET', '/composed', { token: accessToken });
    expect(revoked.body.code).toBe('session_revoked');
    // The strategy's own refusal (an HttpException wrapping the library's error) gets the header too.
    expect(revoked.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it("unwraps the strategy's HttpException: a GraphQL context gets the library's error (extensions.code), not an HttpException", () => {
    const guard = new (AuthkitAuthGuard())() as unknown as { handleRequest(e: unknown, u: unknown, i: unknown, c: unknown): unknown };
    const context = { getType: () => 'graphql' };
    let thrown: unknown;
    try {
      guard.handleRequest(toHttpException(new SessionRevokedError()), false, undefined, context);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).not.toBeInstanceOf(HttpException);
    expect(thrown).toMatchObject({ extensions: { code: 'session_revoked', statusCode: 401 } });
  });
});
