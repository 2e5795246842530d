import { Controller, Get, UseGuards } from '@nestjs/common';
import { type AuthenticatedUser, CurrentUser } from '../../lib';
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
    expect((await http(t.url, 'GET', '/composed', { token: accessToken })).body.code).toBe('session_revoked');
  });
});
