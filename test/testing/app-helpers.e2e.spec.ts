import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AccessTokenGuard, AuthExceptionFilter, AuthModule, type AuthModuleOptions, RolesGuard, TokenService } from '../../lib';
import { createTestUser, signInAs, StubAccessTokenGuard } from '../../lib/testing';
import { baseTestOptions, FAST_HASHING, TEST_SECRET, TestRoutesController, uniqueEmail } from '../support/test-app';

type Override = (builder: ReturnType<typeof Test.createTestingModule>) => ReturnType<typeof Test.createTestingModule>;

/** An app as a team's e2e suite builds it: `Test.createTestingModule`, its overrides, `createNestApplication().init()`. */
async function appWith(options: AuthModuleOptions, override: Override = (builder) => builder): Promise<INestApplication> {
  const builder = Test.createTestingModule({ imports: [AuthModule.forRoot(options)], controllers: [TestRoutesController] });
  const app = (await override(builder).compile()).createNestApplication({ logger: false });
  app.useGlobalFilters(app.get(AuthExceptionFilter));
  return app.init();
}

describe('nestjs-authkit/testing: signInAs and createTestUser, on a real app and Redis', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await appWith({ ...baseTestOptions(`helpers${process.pid}`), refreshTokenTransport: 'cookie' });
  });
  afterAll(() => app.close());

  it('signs in a user with given roles in one line: its headers pass the guards and the session check', async () => {
    const admin = await signInAs(app, { roles: ['admin'] });
    expect(admin).toMatchObject({ headers: { authorization: `Bearer ${admin.accessToken}` }, user: { roles: ['admin'] } });
    await request(app.getHttpServer()).get('/admin').set(admin.headers).expect(200, { admin: true });
    const profile = await request(app.getHttpServer()).get('/profile').set(admin.headers).expect(200);
    expect(profile.body).toMatchObject({ id: admin.user.id, sessionId: admin.sessionId, roles: ['admin'], amr: ['pwd'] });
    // GET /auth/me says whether the email is verified (signInAs's users are, unless told).
    const me = await request(app.getHttpServer()).get('/auth/me').set(admin.headers).expect(200);
    expect(me.body).toMatchObject({ id: admin.user.id, emailVerified: true });
    const unverified = await signInAs(app, { emailVerified: false });
    expect((await request(app.getHttpServer()).get('/auth/me').set(unverified.headers).expect(200)).body.emailVerified).toBe(false);
    const user = await signInAs(app, { roles: ['user'] });
    const forbidden = await request(app.getHttpServer()).get('/admin').set(user.headers).expect(403);
    expect(forbidden.body.code).toBe('insufficient_role');
  });

  it('the cookie refreshes the session; logout ends it', async () => {
    const session = await signInAs(app);
    expect(session.cookie).toBe(`authkit_rt=${session.refreshToken}`);
    const refreshed = await request(app.getHttpServer()).post('/auth/refresh').set('cookie', session.cookie).expect(200);
    expect(refreshed.body.user).toEqual({ id: session.user.id, email: session.user.email, roles: ['user'] });
    await request(app.getHttpServer()).post('/auth/logout').set(session.headers).expect(204);
    const revoked = await request(app.getHttpServer()).get('/profile').set(session.headers).expect(401);
    expect(revoked.body.code).toBe('session_revoked');
  });

  it('createTestUser puts the user in the app\'s stores: it signs in over HTTP with its password, and signInAs signs it in too', async () => {
    const email = uniqueEmail('helper');
    const created = await createTestUser(app, { email, roles: ['editor'] });
    expect(created).toMatchObject({ email, roles: ['editor'], password: expect.any(String) });
    const login = await request(app.getHttpServer()).post('/auth/login').send({ email, password: created.password }).expect(200);
    expect(login.body.user).toEqual({ id: created.id, email, roles: ['editor'] });
    const session = await signInAs(app, created);
    expect(session.user).toEqual(created);
    const sessions = await request(app.getHttpServer()).get('/auth/sessions').set(session.headers).expect(200);
    expect(sessions.body).toHaveLength(2);
  });

  it('a token from TokenService alone has no session: 401 session_revoked (why signInAs goes through the pipeline)', async () => {
    const { accessToken } = app.get(TokenService).signAccessToken({ userId: 'nobody', sessionId: 'none', roles: ['admin'] });
    const refused = await request(app.getHttpServer()).get('/admin').set('authorization', `Bearer ${accessToken}`).expect(401);
    expect(refused.body.code).toBe('session_revoked');
  });

  it('rejects when a sign-in step refuses the user, and for an unknown user', async () => {
    const other = await appWith({ ...baseTestOptions(`helpers-hook${process.pid}`), hooks: { beforeLogin: () => { throw new Error('refused'); } } });
    try {
      await expect(signInAs(other)).rejects.toThrow('refused');
      await expect(signInAs(other, { id: 'missing', email: 'x@example.com', roles: [], password: 'p' })).rejects.toThrow(/no user with id/);
    } finally {
      await other.close();
    }
  });
});

describe('overrideProvider on the global guards (APP_GUARD useExisting the guard providers)', () => {
  // Memory stores: no Redis option (a test that does not want Redis).
  const noRedis: AuthModuleOptions = { jwt: { secret: TEST_SECRET }, passwordHashing: FAST_HASHING };

  it('StubAccessTokenGuard stands in for AccessTokenGuard: the stubbed principal, RolesGuard still enforced, @Public open', async () => {
    const principal = new StubAccessTokenGuard({ id: 'user-1', roles: ['admin'], email: 'stub@example.com' });
    const app = await appWith(noRedis, (builder) => builder.overrideProvider(AccessTokenGuard).useValue(principal));
    try {
      const server = app.getHttpServer();
      await request(server).get('/admin').expect(200, { admin: true });
      const profile = await request(server).get('/profile').expect(200);
      expect(profile.body).toMatchObject({ id: 'user-1', roles: ['admin'], email: 'stub@example.com', sessionId: 'test-session' });
      principal.signInAs({ roles: ['user'] });
      expect((await request(server).get('/admin').expect(403)).body.code).toBe('insufficient_role');
      principal.signOut();
      expect((await request(server).get('/profile').expect(401)).body.code).toBe('access_token_missing');
      await request(server).get('/').expect(200, { ok: true });
    } finally {
      await app.close();
    }
  });

  it('overrideProvider(RolesGuard) replaces the global RolesGuard', async () => {
    const app = await appWith(noRedis, (builder) => builder.overrideProvider(RolesGuard).useValue({ canActivate: () => true }));
    try {
      const user = await signInAs(app, { roles: ['user'] });
      await request(app.getHttpServer()).get('/admin').set(user.headers).expect(200);
    } finally {
      await app.close();
    }
  });

  it('without overrides, the global guards are the module\'s own AccessTokenGuard and RolesGuard', async () => {
    const app = await appWith(noRedis);
    try {
      await request(app.getHttpServer()).get('/profile').expect(401);
      const user = await signInAs(app, { roles: ['user'] });
      await request(app.getHttpServer()).get('/admin').set(user.headers).expect(403);
    } finally {
      await app.close();
    }
  });
});
