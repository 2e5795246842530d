import { Controller, Get } from '@nestjs/common';
import type Redis from 'ioredis';
import { type AuthenticatedUser, AuthService, CurrentUser, Roles } from '../../lib';
import { AllowApiKey } from '../../lib/features/api-keys/allow-api-key.decorator';
import { AccountSecuring } from '../../lib/core/users/account-securing.service';
import { eventually } from '../support/abuse-app';
import { createRedisClient } from '../support/redis-client';
import { commandsSentDuring } from '../support/redis-monitor';
import { createTestApp, http, type HttpResult, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';
const KEY_FORM = /^akit_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{6}$/;

@Controller('keyed')
class KeyedRoutes {
  @AllowApiKey()
  @Get('any')
  any(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }

  @AllowApiKey({ scopes: ['admin'] })
  @Roles('admin')
  @Get('admin')
  admin(): { admin: true } {
    return { admin: true };
  }

  @AllowApiKey()
  @Roles('reports')
  @Get('reports')
  reports(): { reports: true } {
    return { reports: true };
  }

  @Get('plain')
  plain(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }
}

/** Not decorated: the `apiKeys.routes` option opts its `report` method in (with a scope), not `secret`. */
@Controller('opted')
class OptedByOption {
  @Get('report')
  report(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }

  @Get('secret')
  secret(): { secret: true } {
    return { secret: true };
  }
}

/** Not decorated: the option opts the whole controller in (any key). */
@Controller('opted-all')
class OptedWhole {
  @Get('one')
  one(): { one: true } {
    return { one: true };
  }
}

describe('API keys over HTTP (real Redis)', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    redis = createRedisClient();
    t = await createTestApp(
      {
        apiKeys: {
          throttle: { limit: 25, windowSeconds: 60 },
          routes: [{ controller: OptedByOption, handlers: ['report'], scopes: ['reports'] }, { controller: OptedWhole }],
        },
        roleHierarchy: { admin: ['reports'] },
      },
      { adminRoutes: true },
      { controllers: [KeyedRoutes, OptedByOption, OptedWhole] },
    );
  });

  afterAll(async () => {
    await t?.close();
    await redis?.quit();
  });

  async function register(roles: string[] = []): Promise<{ id: string; email: string; accessToken: string }> {
    const email = uniqueEmail('keys');
    const res = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(res.status).toBe(201);
    if (roles.length === 0) return { id: res.body.user.id, email, accessToken: res.body.accessToken };
    await t.app.get(AuthService).setRoles(res.body.user.id, roles);
    const login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    return { id: res.body.user.id, email, accessToken: login.body.accessToken };
  }

  async function createKey(accessToken: string, body: Record<string, unknown> = { name: 'ci' }): Promise<{ id: string; key: string }> {
    const res = await http(t.url, 'POST', '/auth/api-keys', { token: accessToken, json: body });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('creates a key shown once (prefix, 256-bit secret, checksum), lists it without the key, and revokes it', async () => {
    const user = await register();
    const res = await http(t.url, 'POST', '/auth/api-keys', { token: user.accessToken, json: { name: 'deploy bot', scopes: ['reports'], expiresInDays: 30 } });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({ id: expect.any(String), name: 'deploy bot', key: expect.stringMatching(KEY_FORM), prefix: expect.stringMatching(/^akit_/), scopes: ['reports'], expiresAt: expect.any(String) });
    expect(res.body.key.startsWith(res.body.prefix)).toBe(true);
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const list = await http(t.url, 'GET', '/auth/api-keys', { token: user.accessToken });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([{ id: res.body.id, name: 'deploy bot', prefix: res.body.prefix, scopes: ['reports'], createdAt: expect.any(String), expiresAt: res.body.expiresAt, lastUsedAt: null }]);
    expect(JSON.stringify(list.body)).not.toContain(res.body.key.split('.')[2]);
    // Nothing in Redis holds the key's secret.
    const stored = await redis.hgetall(`${t.keyPrefix}:{${user.id}}:ak`);
    expect(JSON.stringify(stored)).not.toContain(res.body.key.split('.')[2]);

    expect((await http(t.url, 'GET', '/keyed/any', { token: res.body.key })).status).toBe(200);
    const used = await http(t.url, 'GET', '/auth/api-keys', { token: user.accessToken });
    expect(used.body[0].lastUsedAt).toEqual(expect.any(String));

    const other = await register();
    expect((await http(t.url, 'DELETE', `/auth/api-keys/${res.body.id}`, { token: other.accessToken })).status).toBe(404);
    expect((await http(t.url, 'DELETE', `/auth/api-keys/${res.body.id}`, { token: user.accessToken })).status).toBe(204);
    const revoked = await http(t.url, 'GET', '/keyed/any', { token: res.body.key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe('api_key_invalid');
    expect((await http(t.url, 'GET', '/auth/api-keys', { token: user.accessToken })).body).toEqual([]);
  });

  it('a key reaches the routes that opt in, and nothing else', async () => {
    const user = await register();
    const { key, id } = await createKey(user.accessToken);
    const any = await http(t.url, 'GET', '/keyed/any', { token: key });
    expect(any.status).toBe(200);
    expect(any.body).toMatchObject({ id: user.id, type: 'api_key', apiKey: { id, scopes: [] }, roles: [] });
    for (const path of ['/keyed/plain', '/profile', '/auth/me', '/auth/api-keys', '/auth/sessions']) {
      const res = await http(t.url, 'GET', path, { token: key });
      expect([path, res.status, res.body.code]).toEqual([path, 401, 'api_key_not_accepted']);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await http(t.url, 'POST', '/auth/api-keys', { token: key, json: { name: 'from a key' } })).status).toBe(401);
    // The access token still works everywhere.
    expect((await http(t.url, 'GET', '/keyed/plain', { token: user.accessToken })).status).toBe(200);
    expect((await http(t.url, 'GET', '/keyed/any', { token: user.accessToken })).status).toBe(200);
  });

  it('the apiKeys.routes option opts undecorated routes in (with their scopes); the others still refuse keys', async () => {
    const user = await register();
    const scoped = await createKey(user.accessToken, { name: 'reports', scopes: ['reports'] });
    const plain = await createKey(user.accessToken, { name: 'plain' });
    const report = await http(t.url, 'GET', '/opted/report', { token: scoped.key });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ id: user.id, type: 'api_key', apiKey: { id: scoped.id, scopes: ['reports'] } });
    const unscoped = await http(t.url, 'GET', '/opted/report', { token: plain.key });
    expect([unscoped.status, unscoped.body.code]).toEqual([403, 'api_key_scope_missing']);
    expect((await http(t.url, 'GET', '/opted-all/one', { token: plain.key })).status).toBe(200);
    // Opted in by the option, a key costs what it costs on a decorated route: one Redis command.
    expect(await commandsSentDuring(t.keyPrefix, () => http(t.url, 'GET', '/opted/report', { token: scoped.key }))).toEqual(['evalsha']);
    const secret = await http(t.url, 'GET', '/opted/secret', { token: scoped.key });
    expect([secret.status, secret.body.code]).toEqual([401, 'api_key_not_accepted']);
    // A session's access token still reaches all of them.
    for (const path of ['/opted/report', '/opted/secret', '/opted-all/one']) {
      expect((await http(t.url, 'GET', path, { token: user.accessToken })).status).toBe(200);
    }
  });

  it('scopes narrow @Roles: a key never exceeds its owner, nor its scopes', async () => {
    const admin = await register(['admin']);
    const plain = await register();
    const scoped = await createKey(admin.accessToken, { name: 'admin', scopes: ['admin'] });
    const unscoped = await createKey(admin.accessToken, { name: 'none' });
    const reportsOnly = await createKey(admin.accessToken, { name: 'reports', scopes: ['reports'] });
    const notOwned = await createKey(plain.accessToken, { name: 'wishful', scopes: ['admin', 'reports'] });

    expect((await http(t.url, 'GET', '/keyed/admin', { token: scoped.key })).status).toBe(200);
    // Through the hierarchy (admin implies reports), the admin scope reaches @Roles('reports').
    expect((await http(t.url, 'GET', '/keyed/reports', { token: scoped.key })).status).toBe(200);
    const noScope = await http(t.url, 'GET', '/keyed/admin', { token: unscoped.key });
    expect([noScope.status, noScope.body.code]).toEqual([403, 'api_key_scope_missing']);
    expect((await http(t.url, 'GET', '/keyed/reports', { token: unscoped.key })).status).toBe(403);
    expect((await http(t.url, 'GET', '/keyed/reports', { token: reportsOnly.key })).status).toBe(200);
    expect((await http(t.url, 'GET', '/keyed/admin', { token: reportsOnly.key })).status).toBe(403);
    const notAdmin = await http(t.url, 'GET', '/keyed/admin', { token: notOwned.key });
    expect([notAdmin.status, notAdmin.body.code]).toEqual([403, 'insufficient_role']);
    expect((await http(t.url, 'GET', '/keyed/reports', { token: notOwned.key })).status).toBe(403);
    expect((await http(t.url, 'GET', '/keyed/any', { token: notOwned.key })).body.roles).toEqual([]);

    // The owner loses the role: the key loses it as soon as the `RolesChanged` handler has recorded it (milliseconds).
    await t.app.get(AuthService).setRoles(admin.id, []);
    expect(await eventually(async () => (await http(t.url, 'GET', '/keyed/admin', { token: scoped.key })).status === 403, 50, 10)).toBe(true);
  });

  it('revoked, expired, owner disabled, password changed: 401 on the very next request', async () => {
    const user = await register();
    const revoked = await createKey(user.accessToken, { name: 'revoked' });
    const expiring = await createKey(user.accessToken, { name: 'expiring' });
    const before = await createKey(user.accessToken, { name: 'before the change' });
    for (const key of [revoked, expiring, before]) expect((await http(t.url, 'GET', '/keyed/any', { token: key.key })).status).toBe(200);

    expect((await http(t.url, 'DELETE', `/auth/api-keys/${revoked.id}`, { token: user.accessToken })).status).toBe(204);
    expect((await http(t.url, 'GET', '/keyed/any', { token: revoked.key })).status).toBe(401);

    // Expiry: the stored expiry moved into the past (the store compares it with its clock on every use).
    const field = `${t.keyPrefix}:{${user.id}}:ak`;
    const [hash, version, , scopes] = (await redis.hget(field, expiring.id))!.split('|');
    await redis.hset(field, expiring.id, `${hash}|${version}|${Date.now() - 1}|${scopes}`);
    expect((await http(t.url, 'GET', '/keyed/any', { token: expiring.key })).status).toBe(401);

    const change = await http(t.url, 'POST', '/auth/password/change', {
      token: user.accessToken, json: { currentPassword: PASSWORD, newPassword: 'a new long passphrase 42' },
    });
    expect(change.status).toBe(204);
    const afterChange = await http(t.url, 'GET', '/keyed/any', { token: before.key });
    expect([afterChange.status, afterChange.body.code]).toEqual([401, 'api_key_invalid']);

    // A key created after the change works; disabling the owner ends it at the next request.
    const login = await http(t.url, 'POST', '/auth/login', { json: { email: user.email, password: 'a new long passphrase 42' } });
    const after = await createKey(login.body.accessToken, { name: 'after' });
    expect((await http(t.url, 'GET', '/keyed/any', { token: after.key })).status).toBe(200);
    await t.app.get(AuthService).setDisabled(user.id, true);
    expect((await http(t.url, 'GET', '/keyed/any', { token: after.key })).status).toBe(401);
    // Re-enabled: the keys stay dead (they were made under older credentials).
    await t.app.get(AuthService).setDisabled(user.id, false);
    expect((await http(t.url, 'GET', '/keyed/any', { token: after.key })).status).toBe(401);
  });

  it('a change of credentials that no API-key listener hears (a reset securing the account) ends the key at the next request too', async () => {
    const user = await register();
    const { key } = await createKey(user.accessToken);
    expect((await http(t.url, 'GET', '/keyed/any', { token: key })).status).toBe(200);
    // What a password reset or a squat's securing does: the version rises and the sessions' floor with it, in one script.
    await t.app.get(AccountSecuring).secure(user.id, { voidPassword: true, unlinkIdentities: false });
    expect((await http(t.url, 'GET', '/keyed/any', { token: key })).status).toBe(401);
  });

  it('a valid key costs one Redis command; a broken checksum or a non-opted route costs none', async () => {
    const user = await register();
    const { key } = await createKey(user.accessToken);
    expect(await commandsSentDuring(t.keyPrefix, () => http(t.url, 'GET', '/keyed/any', { token: key }))).toEqual(['evalsha']);

    const last = key.at(-1) === 'A' ? 'B' : 'A';
    const broken = `${key.slice(0, -1)}${last}`;
    let res: HttpResult | undefined;
    expect(await commandsSentDuring(t.keyPrefix, async () => (res = await http(t.url, 'GET', '/keyed/any', { token: broken })))).toEqual([]);
    expect([res!.status, res!.body.code]).toEqual([401, 'api_key_invalid']);
    // A typo in the secret breaks the checksum too.
    const parts = key.split('.');
    const typo = [parts[0], parts[1], `${parts[2].slice(0, -1)}${parts[2].at(-1) === 'x' ? 'y' : 'x'}`, parts[3]].join('.');
    expect(await commandsSentDuring(t.keyPrefix, async () => (res = await http(t.url, 'GET', '/keyed/any', { token: typo })))).toEqual([]);
    expect(res!.status).toBe(401);
    expect(await commandsSentDuring(t.keyPrefix, async () => (res = await http(t.url, 'GET', '/keyed/plain', { token: key })))).toEqual([]);
    expect(res!.status).toBe(401);
  });

  it('a key in a cookie (or the query string) is ignored: only the Authorization header carries one', async () => {
    const user = await register();
    const { key } = await createKey(user.accessToken);
    for (const cookie of [`authorization=Bearer ${key}`, `api_key=${key}`, `access_token=${key}`]) {
      const res = await http(t.url, 'GET', '/keyed/any', { cookie });
      expect([res.status, res.body.code]).toEqual([401, 'access_token_missing']);
    }
    expect((await http(t.url, 'GET', `/keyed/any?api_key=${encodeURIComponent(key)}`)).status).toBe(401);
  });

  it('throttles per key: 429 with Retry-After past the limit, other keys unaffected', async () => {
    const user = await register();
    const busy = await createKey(user.accessToken, { name: 'busy' });
    const quiet = await createKey(user.accessToken, { name: 'quiet' });
    const statuses: number[] = [];
    for (let i = 0; i < 26; i++) statuses.push((await http(t.url, 'GET', '/keyed/any', { token: busy.key })).status);
    expect(statuses.slice(0, 25).every((s) => s === 200)).toBe(true);
    const limited = await http(t.url, 'GET', '/keyed/any', { token: busy.key });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await http(t.url, 'GET', '/keyed/any', { token: quiet.key })).status).toBe(200);
  });

  it("an admin lists a user's keys and revokes one: 401 at its next request; a non-admin gets 403", async () => {
    const admin = await register(['admin']);
    const user = await register();
    const { id, key } = await createKey(user.accessToken, { name: 'laptop script' });
    const listed = await http(t.url, 'GET', `/auth/admin/users/${user.id}/api-keys`, { token: admin.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ id, name: 'laptop script' })]);
    expect(JSON.stringify(listed.body)).not.toContain(key.split('.')[2]);
    expect((await http(t.url, 'GET', `/auth/admin/users/${user.id}/api-keys`, { token: user.accessToken })).status).toBe(403);
    expect((await http(t.url, 'DELETE', `/auth/admin/users/${user.id}/api-keys/${id}`, { token: admin.accessToken })).status).toBe(204);
    expect((await http(t.url, 'GET', '/keyed/any', { token: key })).status).toBe(401);
    expect((await http(t.url, 'DELETE', `/auth/admin/users/${user.id}/api-keys/${id}`, { token: admin.accessToken })).status).toBe(404);
  });

  it('refuses bad requests with stable codes', async () => {
    const user = await register();
    expect((await http(t.url, 'POST', '/auth/api-keys', { json: { name: 'x' } })).status).toBe(401);
    for (const body of [{}, { name: '' }, { name: 'x', scopes: ['bad scope'] }, { name: 'x', expiresInDays: 0 }, { name: 'x', expiresInDays: 366 }, { name: 'x', scopes: 'admin' }]) {
      const res = await http(t.url, 'POST', '/auth/api-keys', { token: user.accessToken, json: body });
      expect([JSON.stringify(body), res.status, res.body.code]).toEqual([JSON.stringify(body), 400, 'validation_failed']);
    }
    expect((await http(t.url, 'DELETE', '/auth/api-keys/nope', { token: user.accessToken })).status).toBe(404);
    const garbage = await http(t.url, 'GET', '/keyed/any', { token: 'akit_garbage' });
    expect([garbage.status, garbage.body.code]).toEqual([401, 'api_key_invalid']);
  });
});
