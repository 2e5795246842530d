import { HTTP_ADAPTER } from '../support/http-adapter';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

// Runs in both jest projects (Express and Fastify): the same statuses, codes and headers on either platform.
describe(`the HTTP contract on ${HTTP_ADAPTER}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('runs on the platform the project asks for', () => {
    expect(t.app.getHttpAdapter().getType()).toBe(HTTP_ADAPTER);
  });

  it('register, login and refresh set the refresh cookie (one Set-Cookie each) and Pragma: no-cache', async () => {
    const email = uniqueEmail('platform');
    const registered = await http(t.url, 'POST', '/auth/register', { json: { email, password: 'correct horse battery staple' } });
    expect(registered.status).toBe(201);
    expect(registered.setCookie).toHaveLength(1);
    expect(registered.setCookie[0]).toMatch(/HttpOnly; SameSite=Strict/);
    expect(registered.headers.get('pragma')).toBe('no-cache');
    const cookie = registered.setCookie[0].split(';')[0];
    const refreshed = await http(t.url, 'POST', '/auth/refresh', { cookie, json: {} });
    expect(refreshed.status).toBe(200);
    expect(refreshed.setCookie).toHaveLength(1);
    const logout = await http(t.url, 'POST', '/auth/logout', { token: refreshed.body.accessToken });
    expect(logout.status).toBe(204);
    expect(logout.setCookie[0]).toMatch(/Max-Age=0/);
  });

  it('answers 413 payload_too_large to a 200 KB body', async () => {
    const res = await http(t.url, 'POST', '/auth/login', { json: { email: 'a@example.com', password: 'x'.repeat(200 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
  });

  it('answers 400 malformed_json to a body that is not JSON', async () => {
    const res = await http(t.url, 'POST', '/auth/login', { body: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'malformed_json' });
  });

  it('401s carry WWW-Authenticate: Bearer and the library body', async () => {
    const res = await http(t.url, 'GET', '/profile');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body).toMatchObject({ statusCode: 401, code: 'access_token_missing' });
  });
});
