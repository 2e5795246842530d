import { Controller, Get } from '@nestjs/common';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  AuthModule, type AuthenticatedUser, AuthRejectedError, CurrentUser, OptionalAuth, UserStore,
} from '../../lib';
import { OAuthIdentityResolver } from '../../lib/features/oauth/oauth-identity.service';
import { SessionIssuer } from '../../lib/core/sign-in/session-issuer';
import { decodeJwt } from '../support/jwt-forge';
import { LocalSmtpServer } from '../support/smtp-server';
import { baseTestOptions, createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';
import { Test } from '@nestjs/testing';

const PASSWORD = 'correct horse battery staple';

@Controller('ext')
class ExtensionRoutes {
  @Get('whoami')
  whoami(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }

  @OptionalAuth()
  @Get('maybe')
  maybe(@CurrentUser() user: AuthenticatedUser | undefined): { user: AuthenticatedUser | null } {
    return { user: user ?? null };
  }
}

class ProfileFields {
  @IsString()
  @MaxLength(40)
  displayName!: string;

  @IsOptional()
  @IsBoolean()
  newsletter?: boolean;
}

describe('hooks that can say no', () => {
  let t: TestApp;
  const calls: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      hooks: {
        beforeRegister: async ({ email }) => {
          calls.push(`register:${email}`);
          if (!email.endsWith('@example.com')) throw new AuthRejectedError('email_domain_not_allowed', 'Use your example.com address');
        },
        beforeLogin: async ({ user, method }) => {
          calls.push(`login:${method}`);
          if (user.roles.includes('banned')) throw new AuthRejectedError('account_on_hold', 'Your account is on hold', 423);
        },
      },
    });
  });

  afterAll(() => t.close());

  it('beforeRegister refuses with its code and status (403 by default); nothing is created', async () => {
    const res = await http(t.url, 'POST', '/auth/register', { json: { email: 'eve@elsewhere.org', password: PASSWORD } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ statusCode: 403, code: 'email_domain_not_allowed', message: 'Use your example.com address' });
    expect(await t.app.get<UserStore>(UserStore).findByEmail('eve@elsewhere.org')).toBeNull();
    expect(calls).toContain('register:eve@elsewhere.org');
    expect((await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('ok'), password: PASSWORD } })).status).toBe(201);
  });

  it('beforeLogin runs after the password check and refuses with its code and status; no session starts', async () => {
    const email = uniqueEmail('held');
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    await t.app.get<UserStore>(UserStore).setRoles(reg.body.user.id, ['banned']);
    calls.length = 0;
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: 'wrong password!!' } })).status).toBe(401);
    expect(calls).toEqual([]); // a wrong password never reaches the hook
    const res = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(res.status).toBe(423);
    expect(res.body.code).toBe('account_on_hold');
    expect(calls).toEqual(['login:password']);
    const sessions = await http(t.url, 'GET', '/auth/sessions', { token: reg.body.accessToken });
    expect(sessions.body).toHaveLength(1); // only the registration's
  });

  it('beforeOAuthLink refuses a link before anything is linked', async () => {
    const linking = await createTestApp({
      hooks: {
        beforeOAuthLink: ({ provider }) => {
          if (provider === 'github') throw new AuthRejectedError('provider_not_allowed', 'GitHub accounts cannot be linked');
        },
      },
    });
    try {
      const reg = await http(linking.url, 'POST', '/auth/register', { json: { email: uniqueEmail('link'), password: PASSWORD } });
      const resolver = linking.app.get(OAuthIdentityResolver);
      const github = { provider: 'github' as const, providerUserId: '77', email: null, emailVerified: false };
      await expect(resolver.linkToUser(reg.body.user.id, github)).rejects.toMatchObject({ code: 'provider_not_allowed', status: 403 });
      expect(await resolver.listIdentities(reg.body.user.id)).toEqual([]);
      await resolver.linkToUser(reg.body.user.id, { ...github, provider: 'google' });
      expect((await resolver.listIdentities(reg.body.user.id)).map((i) => i.provider)).toEqual(['google']);
    } finally {
      await linking.close();
    }
  });

  it('AuthRejectedError refuses a code that is not snake_case or a status outside 4xx', () => {
    expect(() => new AuthRejectedError('Bad Code')).toThrow(TypeError);
    expect(() => new AuthRejectedError('ok_code', 'm', 500)).toThrow(TypeError);
  });
});

describe('custom claims, @CurrentUser() and @OptionalAuth()', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(
      { claims: { names: ['tenant', 'plan'], resolve: async (user) => ({ tenant: `t-${user.id.slice(0, 4)}`, plan: user.roles.includes('admin') ? 'pro' : 'free' }) } },
      {},
      { controllers: [ExtensionRoutes] },
    );
  });

  afterAll(() => t.close());

  it('claims reach the access token (login, registration, refresh) and @CurrentUser() with the email', async () => {
    const email = uniqueEmail('claims');
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    const id = reg.body.user.id as string;
    const expected = { tenant: `t-${id.slice(0, 4)}`, plan: 'free' };
    expect(decodeJwt(reg.body.accessToken).payload).toMatchObject({ ...expected, email, sub: id });
    const refreshed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: reg.body.refreshToken } });
    expect(decodeJwt(refreshed.body.accessToken).payload).toMatchObject(expected);
    const me = await http(t.url, 'GET', '/ext/whoami', { token: refreshed.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id, sessionId: expect.any(String), roles: ['user'], email, claims: expected, amr: ['pwd'], authTime: expect.any(Number) });
  });

  it('@OptionalAuth(): the user with a valid token, anonymous without one or with a bad one', async () => {
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('opt'), password: PASSWORD } });
    expect((await http(t.url, 'GET', '/ext/maybe')).body).toEqual({ user: null });
    expect((await http(t.url, 'GET', '/ext/maybe', { token: 'not.a.token' })).body).toEqual({ user: null });
    const withToken = await http(t.url, 'GET', '/ext/maybe', { token: reg.body.accessToken });
    expect(withToken.body.user).toMatchObject({ id: reg.body.user.id });
    await http(t.url, 'POST', '/auth/logout', { token: reg.body.accessToken });
    expect((await http(t.url, 'GET', '/ext/maybe', { token: reg.body.accessToken })).body).toEqual({ user: null });
    // A route without the decorator still needs the token.
    expect((await http(t.url, 'GET', '/ext/whoami')).status).toBe(401);
  });
});

describe('claims that break the rules', () => {
  async function start(claims: unknown): Promise<unknown> {
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [AuthModule.forRoot(baseTestOptions('claims-startup', { claims } as never))],
      }).compile();
      await moduleRef.close();
      return null;
    } catch (error) {
      return error;
    }
  }

  it('a reserved claim name is refused at start-up', async () => {
    for (const name of ['sub', 'roles', 'exp', 'email', 'sid']) {
      const error = await start({ names: ['tenant', name], resolve: () => ({}) });
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toContain(`reserved claim name "${name}"`);
    }
  });

  it('a claims function that returns a reserved name, an undeclared name or too many bytes issues no token (500)', async () => {
    const cases: [unknown, string][] = [
      [async () => ({ sub: 'someone-else' }), 'reserved'],
      [{ names: ['tenant'], resolve: () => ({ plan: 'pro' }) }, 'undeclared'],
      [{ names: ['blob'], maxBytes: 64, resolve: () => ({ blob: 'x'.repeat(100) }) }, 'size'],
    ];
    for (const [claims] of cases) {
      const t = await createTestApp({ claims } as never);
      try {
        const res = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('bad'), password: PASSWORD } });
        expect(res.status).toBe(500);
        expect(res.body.accessToken).toBeUndefined();
        expect(res.body.code).toBe('internal_error');
      } finally {
        await t.close();
      }
    }
  });
});

describe('registration fields', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ registrationFields: ProfileFields });
  });

  afterAll(() => t.close());

  it('validated fields reach UserStore.create as profile', async () => {
    const res = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('prof'), password: PASSWORD, displayName: 'Ada', newsletter: true } });
    expect(res.status).toBe(201);
    expect((await t.app.get<UserStore>(UserStore).findById(res.body.user.id))?.profile).toEqual({ displayName: 'Ada', newsletter: true });
  });

  it('an invalid or unknown field is 400 validation_failed; the credentials rules still apply', async () => {
    for (const json of [
      { email: uniqueEmail('p'), password: PASSWORD, displayName: 42 },
      { email: uniqueEmail('p'), password: PASSWORD },
      { email: uniqueEmail('p'), password: PASSWORD, displayName: 'Ada', isAdmin: true },
      { email: 'not-an-email', password: PASSWORD, displayName: 'Ada' },
      { email: uniqueEmail('p'), password: 'short', displayName: 'Ada' },
    ]) {
      const res = await http(t.url, 'POST', '/auth/register', { json });
      expect([JSON.stringify(json), res.status, res.body.code]).toEqual([JSON.stringify(json), 400, 'validation_failed']);
    }
  });

  it('without the option, an extra field is refused as before', async () => {
    const plain = await createTestApp();
    try {
      const res = await http(plain.url, 'POST', '/auth/register', { json: { email: uniqueEmail('p'), password: PASSWORD, displayName: 'Ada' } });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('property displayName should not exist');
    } finally {
      await plain.close();
    }
  });
});

describe('requireVerifiedEmail', () => {
  const smtp = new LocalSmtpServer();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      requireVerifiedEmail: true,
      mail: { smtpUrl: await smtp.start() },
      emailVerification: { url: 'https://app.example/verify' },
    });
  });

  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('an unverified account: 401 for a wrong password, 403 email_unverified for the right one; verify by mail, then 200', async () => {
    const email = uniqueEmail('unverified');
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(reg.status).toBe(201);
    // No session and no token for an account that must verify first (issue 22 item 5).
    expect(reg.body).toEqual({ status: 'verification_required', user: { id: expect.any(String), email, roles: ['user'] } });
    expect(reg.headers.get('set-cookie')).toBeNull();
    // Registration mailed a verification link (sendOnRegister defaults to true when verification is on).
    const firstMail = await smtp.waitForMail(email);
    expect(firstMail.subject).toBe('Confirm your email address');

    const wrong = await http(t.url, 'POST', '/auth/login', { json: { email, password: 'wrong password!!' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    const unverified = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(unverified.status).toBe(403);
    expect(unverified.body.code).toBe('email_unverified');

    // A new link, without a session: by email, same answer as for an unknown email.
    const known = await http(t.url, 'POST', '/auth/email/verify/request', { json: { email } });
    const unknown = await http(t.url, 'POST', '/auth/email/verify/request', { json: { email: uniqueEmail('nobody') } });
    expect([known.status, known.body]).toEqual([unknown.status, unknown.body]);
    expect(known.status).toBe(202);
    const token = LocalSmtpServer.tokenIn(await smtp.waitForMail(email, 2));
    // The first link was replaced by the second.
    expect((await http(t.url, 'POST', '/auth/email/verify', { json: { token: LocalSmtpServer.tokenIn(firstMail) } })).status).toBe(400);
    expect((await http(t.url, 'POST', '/auth/email/verify', { json: { token, password: PASSWORD } })).status).toBe(204);
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } })).status).toBe(200);
  });

  it('a session of an unverified password account (started before the rule was on) cannot refresh: 403 email_unverified, and it ends', async () => {
    const email = uniqueEmail('old-session');
    expect((await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } })).status).toBe(201);
    const user = (await t.app.get<UserStore>(UserStore).findByEmail(email))!;
    // What a registration or login answered before `requireVerifiedEmail` was turned on.
    const { tokens } = await t.app.get(SessionIssuer).issue(user, { amr: ['pwd'] });
    const refused = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: tokens.refreshToken } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('email_unverified');
    expect((await http(t.url, 'GET', '/auth/me', { token: tokens.accessToken })).status).toBe(401);
    expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: tokens.refreshToken } })).status).toBe(401);
  });
});
