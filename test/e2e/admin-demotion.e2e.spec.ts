import { IdentityResolver } from '../../lib/core/users/identity-resolver.service';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery';

/** Issue 22, item 3: a demoted admin can do nothing admin a millisecond later (its access token still valid). */
describe('admin demotion (adminRoutes: true, real HTTP server, real Redis)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { adminRoutes: true });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function admin(app: TestApp = t): Promise<{ id: string; token: string }> {
    const email = uniqueEmail('admin');
    const user = await app.app.get(IdentityResolver).createUser({ email, password: PASSWORD, roles: ['admin'] });
    const login = await http(app.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    return { id: user.id, token: login.body.accessToken as string };
  }

  async function demotion(app: TestApp, expected: [number, string]) {
    const a = await admin(app);
    const b = await admin(app);
    expect((await http(app.url, 'GET', `/auth/admin/users/${a.id}`, { token: b.token })).status).toBe(200);

    expect((await http(app.url, 'PUT', `/auth/admin/users/${b.id}/roles`, { token: a.token, json: { roles: ['user'] } })).status).toBe(204);

    const read = await http(app.url, 'GET', `/auth/admin/users/${a.id}`, { token: b.token });
    const promote = await http(app.url, 'PUT', `/auth/admin/users/${b.id}/roles`, { token: b.token, json: { roles: ['admin'] } });
    const disable = await http(app.url, 'POST', `/auth/admin/users/${a.id}/disable`, { token: b.token });
    for (const res of [read, promote, disable]) expect([res.status, res.body.code]).toEqual(expected);

    // Nothing changed: B is still a user, A still an enabled admin whose token works.
    const viewB = await http(app.url, 'GET', `/auth/admin/users/${b.id}`, { token: a.token });
    expect([viewB.status, viewB.body.roles]).toEqual([200, ['user']]);
    const viewA = await http(app.url, 'GET', `/auth/admin/users/${a.id}`, { token: a.token });
    expect([viewA.status, viewA.body.disabled]).toEqual([200, false]);
  }

  it('admin A demotes admin B: B\'s sessions end (401), B cannot re-promote itself nor disable A', async () => {
    await demotion(t, [401, 'session_revoked']);
  });

  it('stateless access tokens (no session read): the actor is re-read from the store, B gets 403 at once', async () => {
    const stateless = await createTestApp({ accessTokenValidation: 'stateless' }, { adminRoutes: true });
    try {
      await demotion(stateless, [403, 'insufficient_role']);
    } finally {
      await stateless.close();
    }
  });

  it('a disabled or deleted admin\'s still-valid token opens no admin route', async () => {
    const a = await admin();
    const b = await admin();
    const c = await admin();
    expect((await http(t.url, 'POST', `/auth/admin/users/${b.id}/disable`, { token: a.token })).status).toBe(204);
    expect((await http(t.url, 'GET', `/auth/admin/users/${a.id}`, { token: b.token })).status).toBeGreaterThanOrEqual(401);
    expect((await http(t.url, 'DELETE', `/auth/admin/users/${c.id}`, { token: a.token })).status).toBe(204);
    const deleted = await http(t.url, 'POST', `/auth/admin/users/${a.id}/disable`, { token: c.token });
    expect([401, 403]).toContain(deleted.status);
  });
});
