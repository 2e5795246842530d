import { type ChildProcess, spawn } from 'node:child_process';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { freePort } from '../support/redis-server';
import { http, uniqueEmail } from '../support/test-app';
import { createPlatformApp } from '../support/http-adapter';

const ADMIN_EMAIL = `admin-${Date.now()}@example.com`;
const ADMIN_PASSWORD = 'sample admin password';

describe('sample app with Redis (AppModule through the public API)', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    process.env.SAMPLE_ADMIN_EMAIL = ADMIN_EMAIL;
    process.env.SAMPLE_ADMIN_PASSWORD = ADMIN_PASSWORD;
    process.env.AUTH_JWT_SECRET = 'sample-e2e-secret-that-is-long-enough-32+';
    const { AppModule } = await import('../../sample/app.module');
    const { configureSampleApp } = await import('../../sample/bootstrap');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = configureSampleApp(createPlatformApp(moduleRef, { logger: false }));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    delete process.env.SAMPLE_ADMIN_EMAIL;
    delete process.env.SAMPLE_ADMIN_PASSWORD;
    delete process.env.AUTH_JWT_SECRET;
  });

  it('GET / and GET /health are public; /health pings Redis', async () => {
    expect((await http(url, 'GET', '/')).status).toBe(200);
    const health = await http(url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', store: 'redis' });
  });

  it('/admin: no token -> 401, a user -> 403, the seeded admin -> 200; /profile for any signed-in user', async () => {
    expect((await http(url, 'GET', '/admin')).status).toBe(401);
    expect((await http(url, 'GET', '/profile')).status).toBe(401);

    const user = await http(url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: 'a user password' } });
    expect(user.status).toBe(201);
    const asUser = await http(url, 'GET', '/admin', { token: user.body.accessToken });
    expect(asUser.status).toBe(403);
    expect(asUser.body.code).toBe('insufficient_role');
    expect((await http(url, 'GET', '/profile', { token: user.body.accessToken })).status).toBe(200);

    const admin = await http(url, 'POST', '/auth/login', { json: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(admin.status).toBe(200);
    expect(admin.body.user.roles).toContain('admin');
    const asAdmin = await http(url, 'GET', '/admin', { token: admin.body.accessToken });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.userId).toBe(admin.body.user.id);
  });

  it('/org and /org/admin answer by the active organization (create one, make it active)', async () => {
    const user = await http(url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: 'a user password' } });
    expect((await http(url, 'GET', '/org', { token: user.body.accessToken })).body.code).toBe('org_not_active');
    const org = await http(url, 'POST', '/auth/orgs', { token: user.body.accessToken, json: { name: 'Sample org' } });
    expect(org.status).toBe(201);
    const active = await http(url, 'POST', '/auth/orgs/active', { token: user.body.accessToken, json: { orgId: org.body.id } });
    expect(active.status).toBe(200);
    const asMember = await http(url, 'GET', '/org', { token: active.body.accessToken });
    expect(asMember.body).toEqual({ orgId: org.body.id, orgRoles: ['owner'], userId: user.body.user.id });
    expect((await http(url, 'GET', '/org/admin', { token: active.body.accessToken })).status).toBe(200);
  });

  it('the page has an Organizations panel (create, list, switch, members, invite) on the public routes, which answer as it expects', async () => {
    const page = await http(url, 'GET', '/app');
    expect(page.status).toBe(200);
    for (const id of ['org-create', 'orgs', 'org-members', 'org-invite']) expect(page.body).toContain(`id="${id}"`);
    const script = (await http(url, 'GET', '/app/app.js')).body as string;
    for (const route of ["'/auth/orgs'", "'/auth/orgs/active'", '/members`', '/invitations`', "'/auth/orgs/invitations/accept'"]) expect(script).toContain(route);

    const user = await http(url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: 'a user password' } });
    const token = user.body.accessToken as string;
    const org = await http(url, 'POST', '/auth/orgs', { token, json: { name: 'Panel org' } });
    expect((await http(url, 'GET', '/auth/orgs', { token })).body).toEqual([expect.objectContaining({ id: org.body.id, name: 'Panel org', roles: ['owner'] })]);
    const active = await http(url, 'POST', '/auth/orgs/active', { token, json: { orgId: org.body.id } });
    expect(active.body).toMatchObject({ accessToken: expect.any(String), user: { id: user.body.user.id }, org: { id: org.body.id, roles: ['owner'] } });
    const switched = active.body.accessToken as string;
    expect((await http(url, 'GET', `/auth/orgs/${org.body.id}/members`, { token: switched })).body).toEqual([{ orgId: org.body.id, userId: user.body.user.id, roles: ['owner'] }]);
    const invited = await http(url, 'POST', `/auth/orgs/${org.body.id}/invitations`, { token: switched, json: { email: uniqueEmail(), roles: ['member'] } });
    expect(invited.status).toBe(201);
  });

  it("API keys: GET /profile takes any key, GET /admin a key with the scope admin of an admin; no other route takes one", async () => {
    const admin = await http(url, 'POST', '/auth/login', { json: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    const create = (scopes: string[]) => http(url, 'POST', '/auth/api-keys', { token: admin.body.accessToken, json: { name: 'sample', scopes } });
    const scoped = await create(['admin']);
    const plain = await create([]);
    expect([scoped.status, plain.status]).toEqual([201, 201]);
    expect((await http(url, 'GET', '/profile', { token: plain.body.key })).body.user).toMatchObject({ type: 'api_key', id: admin.body.user.id });
    expect((await http(url, 'GET', '/admin', { token: scoped.body.key })).status).toBe(200);
    expect((await http(url, 'GET', '/admin', { token: plain.body.key })).status).toBe(403);
    expect((await http(url, 'GET', '/auth/me', { token: scoped.body.key })).status).toBe(401);
    expect((await create(['billing'])).status).toBe(400); // the sample allows the scope admin only
  });
});

describe('npm run sample with no Redis (in-memory stores)', () => {
  let child: ChildProcess;
  let output = '';

  afterAll(async () => {
    // npm starts the sample as a grandchild: end the whole process group, and wait for it.
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  });

  it('starts, says loudly that it is in memory, and serves register -> profile', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
    delete env.REDIS_URL;
    delete env.AUTH_JWT_SECRET;
    child = spawn('npm', ['run', 'sample'], { env, cwd: `${__dirname}/../..`, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    for (let i = 0; i < 120 && !output.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 250));
    expect(output).toContain('listening on');
    expect(output).toMatch(/IN[- ]MEMORY/);
    expect(output).toMatch(/AUTH_JWT_SECRET is not set/);
    const base = `http://127.0.0.1:${port}`;
    const health = await http(base, 'GET', '/health');
    expect(health.body).toEqual({ status: 'ok', store: 'memory' });
    const reg = await http(base, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: 'a user password' } });
    expect(reg.status).toBe(201);
    expect((await http(base, 'GET', '/profile', { token: reg.body.accessToken })).status).toBe(200);
    expect((await http(base, 'POST', '/auth/login', { body: '{', headers: { 'content-type': 'application/json' } })).body.code).toBe('malformed_json');
  }, 60_000);
});
