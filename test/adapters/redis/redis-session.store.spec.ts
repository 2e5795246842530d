import type Redis from 'ioredis';
import { RedisSessionStore, type SessionStoreSettings } from '../../../lib';
import { RedisKeys } from '../../../lib/adapters/redis/redis-keys';
import { KeyslotOracle } from '../../support/keyslot-oracle';
import { commandCalls, createRedisClient, scanKeys, uniqueKeyPrefix } from '../../support/redis-client';
import { RedisServer } from '../../support/redis-server';
import { redisTopologies, topologyClients } from '../../support/redis-topologies';
import { ManualClock, sleep } from '../../support/time';
import { CONTRACT_SETTINGS, describeSessionStoreContract, newHash, newSessionId, newUserId, ODD_USER_IDS } from '../../../lib/testing/session-store.contract';

let redis: Redis;
let prefixedRedis: Redis;

beforeAll(() => {
  redis = createRedisClient();
  prefixedRedis = createRedisClient({ keyPrefix: `${uniqueKeyPrefix('client')}:` });
});

afterAll(async () => {
  await redis.quit();
  await prefixedRedis.quit();
});

const shared = topologyClients();
afterAll(() => shared.closeAll());

for (const topology of redisTopologies()) {
  describeSessionStoreContract(
    `RedisSessionStore on ${topology.name}`,
    (settings, now) => new RedisSessionStore(shared.client(topology), settings, uniqueKeyPrefix('sess'), now),
  );
}

describeSessionStoreContract(
  'RedisSessionStore on an ioredis client with its own keyPrefix',
  (settings, now) => new RedisSessionStore(prefixedRedis, settings, uniqueKeyPrefix('sess'), now),
);

describe('RedisSessionStore: Redis specifics', () => {
  function storeOn(client: Redis, prefix: string, overrides: Partial<SessionStoreSettings> = {}, clock?: ManualClock): RedisSessionStore {
    return new RedisSessionStore(client, { ...CONTRACT_SETTINGS, ...overrides }, prefix, clock?.now);
  }

  /**
   * Creates, rotates (all outcomes), evicts and revokes, so every kind of key the store writes exists at least once.
   * `clock` must be the store's: sessions are created 1 ms apart on it, so the eviction order is defined.
   */
  async function exercise(store: RedisSessionStore, clock: ManualClock, userId: string): Promise<void> {
    const hashes = [newHash(), newHash(), newHash(), newHash(), newHash()];
    const ids = hashes.map(() => newSessionId());
    for (let i = 0; i < hashes.length; i++) {
      await store.create({ userId, sessionId: ids[i], secretHash: hashes[i], ip: '192.0.2.1', userAgent: 'ua' });
      clock.advance(1);
    }
    const live = ids.slice(-3).map((sessionId, i) => ({ userId, sessionId, hash: hashes[i + 2] }));
    const next = newHash();
    await store.rotate({ userId, sessionId: live[0].sessionId, presentedHash: live[0].hash, nextHash: next });
    await store.rotate({ userId, sessionId: live[0].sessionId, presentedHash: live[0].hash, nextHash: newHash() });
    await store.rotate({ userId, sessionId: live[1].sessionId, presentedHash: newHash(), nextHash: newHash() });
    await store.list(userId);
    await store.revoke(userId, newSessionId());
  }

  it('one key per user, and it carries a TTL that covers its longest-lived session', async () => {
    const prefix = uniqueKeyPrefix('ttl');
    const clock = new ManualClock();
    const store = storeOn(redis, prefix, { maxSessionsPerUser: 3 }, clock);
    const users = [newUserId(), ...ODD_USER_IDS];
    for (const userId of users) await exercise(store, clock, userId);

    const keys = await scanKeys(redis, `${prefix}:*`);
    expect(keys).toHaveLength(users.length);
    for (const userId of users) {
      const latest = Math.max(...(await store.list(userId)).map((s) => s.expiresAt));
      const ttl = await redis.pttl(new RedisKeys(prefix).sessions(userId));
      expect(ttl).toBeGreaterThan(0);
      // The key's TTL is set relative to the store's clock, which has not moved since (real time has, a little).
      expect(clock.now() + ttl).toBeGreaterThanOrEqual(latest - 50);
    }
  });

  it("the sessions key shares the hash slot of the user's other keys (asked of Redis with CLUSTER KEYSLOT)", async () => {
    const oracle = await KeyslotOracle.start();
    try {
      for (const userId of ['plain-user', ...ODD_USER_IDS]) {
        const prefix = uniqueKeyPrefix('slot');
        const clock = new ManualClock();
        await exercise(storeOn(redis, prefix, {}, clock), clock, userId);
        const keys = await scanKeys(redis, `${prefix}:*`);
        expect(keys).toHaveLength(1);
        const names = new RedisKeys(prefix);
        const slots = new Set(await Promise.all([keys[0], names.user(userId), names.identities(userId)].map((key) => oracle.keyslot(key))));
        expect({ userId, slots: [...slots].length }).toEqual({ userId, slots: 1 });
      }
    } finally {
      await oracle.stop();
    }
  });

  it('the hash stays a compact listpack with 10 sessions, each rotated, each with a 256-character user agent', async () => {
    const prefix = uniqueKeyPrefix('enc');
    const store = storeOn(redis, prefix);
    const userId = newUserId();
    for (let i = 0; i < 10; i++) {
      const sessionId = newSessionId();
      const hash = newHash();
      await store.create({ userId, sessionId, secretHash: hash, ip: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', userAgent: `Mozilla/5.0 ${'x'.repeat(300)}` });
      expect((await store.rotate({ userId, sessionId, presentedHash: hash, nextHash: newHash(), ip: '2001:db8::1' })).status).toBe('rotated');
    }
    const key = new RedisKeys(prefix).sessions(userId);
    expect(await redis.call('OBJECT', 'ENCODING', key)).toBe('listpack');
    const values = Object.values(await redis.hgetall(key));
    expect(Math.max(...values.map((v) => Buffer.byteLength(v)))).toBeLessThanOrEqual(64);
    const listed = await store.list(userId);
    expect(listed).toHaveLength(10);
    expect(listed.every((s) => s.userAgent === `Mozilla/5.0 ${'x'.repeat(300)}`.slice(0, 256) && s.ip === '2001:db8::1' && s.generation === 2)).toBe(true);
  });

  it('step-up: the head (the guard\'s HGET) is left alone, <sid>:a holds the new authentication, every field within 64 bytes at worst', async () => {
    const prefix = uniqueKeyPrefix('enc-stepup');
    const store = storeOn(redis, prefix);
    const userId = newUserId();
    const sessionId = newSessionId();
    let hash = newHash();
    // A head of 64 bytes: an MFA sign-in's amr, a credential version of two digits, a generation of four. (With
    // four amr values the head is 65 bytes before any step-up: see the codec's note.)
    await store.create({ userId, sessionId, secretHash: hash, credentialVersion: 99, amr: ['pwd', 'otp', 'mfa'] });
    for (let i = 0; i < 1_000; i++) {
      const next = newHash();
      expect((await store.rotate({ userId, sessionId, presentedHash: hash, nextHash: next, credentialVersion: 99 })).status).toBe('rotated');
      hash = next;
    }
    const key = new RedisKeys(prefix).sessions(userId);
    const head = await redis.hget(key, sessionId);
    expect(Buffer.byteLength(head!)).toBe(64);
    expect(await store.reauthenticate({ userId, sessionId, amr: ['swk'] })).toMatchObject({ amr: ['pwd', 'otp', 'mfa', 'swk'] });
    expect(await redis.hget(key, sessionId)).toBe(head);
    expect(await redis.hget(key, `${sessionId}:a`)).toMatch(/^[0-9a-z]{4},[0-9a-z]+$/);
    expect(await redis.call('OBJECT', 'ENCODING', key)).toBe('listpack');
    expect(Math.max(...Object.entries(await redis.hgetall(key)).flat().map((v) => Buffer.byteLength(v)))).toBeLessThanOrEqual(64);
    expect(await store.revoke(userId, sessionId)).toBe(true);
    expect(await redis.exists(key)).toBe(0);
  });

  it('the hash stays a listpack at worst: 10 sessions with 300-byte multi-byte user agents, rotated from IPv4 to a full IPv6', async () => {
    const prefix = uniqueKeyPrefix('enc-mb');
    const store = storeOn(redis, prefix);
    const userId = newUserId();
    const ipv6 = '2001:0db8:85a3:1234:5678:8a2e:0370:7334';
    const expected = new Map<string, string>();
    for (let i = 0; i < 10; i++) {
      const sessionId = newSessionId();
      const hash = newHash();
      // i ASCII characters first, so the multi-byte characters fall differently in each session's fields.
      const userAgent = 'a'.repeat(i) + 'é€😀'.repeat(40);
      await store.create({ userId, sessionId, secretHash: hash, ip: '192.0.2.1', userAgent });
      expect((await store.rotate({ userId, sessionId, presentedHash: hash, nextHash: newHash(), ip: ipv6 })).status).toBe('rotated');
      const stored = (await store.list(userId)).find((s) => s.id === sessionId)!.userAgent!;
      expect(userAgent.startsWith(stored)).toBe(true);
      expect(Buffer.byteLength(stored)).toBeGreaterThan(252);
      expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(256);
      expected.set(sessionId, stored);
    }
    const key = new RedisKeys(prefix).sessions(userId);
    expect(await redis.call('OBJECT', 'ENCODING', key)).toBe('listpack');
    const fields = await redis.hgetall(key);
    expect(Math.max(...Object.entries(fields).flat().map((v) => Buffer.byteLength(v)))).toBeLessThanOrEqual(64);
    const listed = await store.list(userId);
    expect(new Map(listed.map((s) => [s.id, s.userAgent]))).toEqual(expected);
    expect(listed.every((s) => s.ip === ipv6)).toBe(true);
  });

  it('the key itself expires in Redis once its last session has', async () => {
    // A real sleep on purpose: what is tested is Redis' own key expiry (the PEXPIRE the scripts set), not the
    // store's expiry arithmetic, so the store's clock is the real one here.
    const prefix = uniqueKeyPrefix('pexpire');
    const store = storeOn(redis, prefix, { idleTtlMs: 100 });
    const userId = newUserId();
    await store.create({ userId, sessionId: newSessionId(), secretHash: newHash(), ip: '192.0.2.1', userAgent: 'ua' });
    const key = new RedisKeys(prefix).sessions(userId);
    expect(await redis.exists(key)).toBe(1);
    await sleep(300);
    expect(await redis.exists(key)).toBe(0);
  });

  it('creating a session deletes the expired records left in the hash', async () => {
    const prefix = uniqueKeyPrefix('prune');
    const userId = newUserId();
    const key = new RedisKeys(prefix).sessions(userId);
    const clock = new ManualClock();
    const shortLived = storeOn(redis, prefix, { idleTtlMs: 10_000 }, clock);
    const stale = newSessionId();
    await shortLived.create({ userId, sessionId: stale, secretHash: newHash(), userAgent: 'y'.repeat(200) });
    expect(Object.keys(await redis.hgetall(key)).length).toBeGreaterThan(1);
    clock.advance(10_000);

    const fresh = newSessionId();
    await shortLived.create({ userId, sessionId: fresh, secretHash: newHash() });
    const fields = Object.keys(await redis.hgetall(key));
    expect(fields.filter((f) => f.startsWith(stale))).toEqual([]);
    expect(fields).toContain(fresh);
  });

  it('lifetimes come from the settings at each check: a shorter idle lifetime applies to existing sessions', async () => {
    const prefix = uniqueKeyPrefix('life');
    const userId = newUserId();
    const sessionId = newSessionId();
    const hash = newHash();
    const clock = new ManualClock();
    await storeOn(redis, prefix, {}, clock).create({ userId, sessionId, secretHash: hash });
    const shorter = storeOn(redis, prefix, { idleTtlMs: 10_000 }, clock);
    expect(await shorter.exists(userId, sessionId)).toBe(true);
    clock.advance(10_000);
    expect(await storeOn(redis, prefix, {}, clock).exists(userId, sessionId)).toBe(true);
    expect(await shorter.exists(userId, sessionId)).toBe(false);
    expect(await shorter.list(userId)).toEqual([]);
    expect(await shorter.rotate({ userId, sessionId, presentedHash: hash, nextHash: newHash() })).toEqual({ status: 'invalid' });
  });

  it("an id with ':' (a record's later piece) is never taken for a session, and cannot damage one", async () => {
    const prefix = uniqueKeyPrefix('colon');
    const store = storeOn(redis, prefix);
    const userId = newUserId();
    const sessionId = newSessionId();
    const hash = newHash();
    const userAgent = 'z'.repeat(200);
    await store.create({ userId, sessionId, secretHash: hash, userAgent });

    expect(await store.exists(userId, `${sessionId}:1`)).toBe(false);
    expect(await store.revoke(userId, `${sessionId}:1`)).toBe(false);
    expect(await store.rotate({ userId, sessionId: `${sessionId}:1`, presentedHash: hash, nextHash: newHash() })).toEqual({ status: 'invalid' });
    await expect(store.create({ userId, sessionId: `${sessionId}:2`, secretHash: newHash() })).rejects.toThrow(TypeError);

    expect((await store.list(userId)).map((s) => [s.id, s.userAgent])).toEqual([[sessionId, userAgent]]);
    expect((await store.rotate({ userId, sessionId, presentedHash: hash, nextHash: newHash() })).status).toBe('rotated');
  });

  it('an access-token check is one HGET', async () => {
    const server = await RedisServer.start();
    const client = createRedisClient({}, server.url);
    try {
      const store = storeOn(client, 'chk');
      const userId = newUserId();
      const sessionId = newSessionId();
      await store.create({ userId, sessionId, secretHash: newHash() });
      const before = await commandCalls(client);
      expect(await store.exists(userId, sessionId)).toBe(true);
      expect(await store.exists(userId, newSessionId())).toBe(false);
      const after = await commandCalls(client);
      const delta = Object.fromEntries(Object.keys(after).filter((c) => after[c] !== (before[c] ?? 0) && c !== 'info').map((c) => [c, after[c] - (before[c] ?? 0)]));
      expect(delta).toEqual({ hget: 2 });
    } finally {
      client.disconnect();
      await server.stop();
    }
  });

  it("finding 12: the raw user id 'b64.YWxpY2Ugc21pdGg' and 'alice smith' (whose encoded form it is) have separate sessions", async () => {
    const prefix = uniqueKeyPrefix('f12');
    const store = storeOn(redis, prefix);
    const raw = 'b64.YWxpY2Ugc21pdGg';
    const alice = 'alice smith';
    const mine = { sessionId: newSessionId(), secretHash: newHash() };
    const hers = { sessionId: newSessionId(), secretHash: newHash() };
    await store.create({ userId: raw, ...mine });
    await store.create({ userId: alice, ...hers });
    expect((await store.list(raw)).map((s) => s.id)).toEqual([mine.sessionId]);
    expect(await store.exists(alice, mine.sessionId)).toBe(false);
    expect(await store.revokeAll(raw)).toBe(1);
    expect((await store.list(alice)).map((s) => s.id)).toEqual([hers.sessionId]);
    expect(new RedisKeys(prefix).sessions(raw)).not.toBe(new RedisKeys(prefix).sessions(alice));
  });

  it('the credential-version floor of a user without sessions is one small field that expires; it never shows as a session', async () => {
    const prefix = uniqueKeyPrefix('floor');
    const store = storeOn(redis, prefix);
    const userId = newUserId();
    await store.create({ userId, sessionId: newSessionId(), secretHash: newHash() });
    expect(await store.revokeAll(userId, { credentialVersion: 3 })).toBe(1);
    const key = new RedisKeys(prefix).sessions(userId);
    expect(await redis.hgetall(key)).toEqual({ ':v': '3' });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60 * 60_000);
    expect(await store.list(userId)).toEqual([]);
    expect(await store.exists(userId, ':v')).toBe(false);
    // A new session under the new version lives next to it; the key's TTL covers both.
    await store.create({ userId, sessionId: newSessionId(), secretHash: newHash(), credentialVersion: 3 });
    expect(await redis.pttl(key)).toBeGreaterThan(Math.max(CONTRACT_SETTINGS.idleTtlMs, ttl) - 1000);
    expect(await store.list(userId)).toHaveLength(1);
  });

  it('a rotation is one round trip: one EVALSHA, no other command from the client', async () => {
    // A private server, so that no other test file's commands show up in the statistics.
    const server = await RedisServer.start();
    const client = createRedisClient({}, server.url);
    const monitorClient = createRedisClient({}, server.url);
    try {
      const store = storeOn(client, 'rt');
      const userId = newUserId();
      const sessionId = newSessionId();
      let current = newHash();
      await store.create({ userId, sessionId, secretHash: current });
      const rotateOnce = async () => {
        const next = newHash();
        const result = await store.rotate({ userId, sessionId, presentedHash: current, nextHash: next });
        expect(result.status).toBe('rotated');
        current = next;
      };
      await rotateOnce(); // warm-up: loads the script

      const before = await commandCalls(client);
      for (let i = 0; i < 5; i++) await rotateOnce();
      const after = await commandCalls(client);
      const scriptCalls = (stats: Record<string, number>) => (stats.evalsha ?? 0) + (stats.eval ?? 0);
      expect(scriptCalls(after) - scriptCalls(before)).toBe(5);

      const monitor = await monitorClient.monitor();
      const seen: Array<{ args: string[]; source: string }> = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ args, source }));
      const markerAt = (marker: string) => seen.findIndex((e) => e.args[0]?.toLowerCase() === 'echo' && e.args[1] === marker);
      await client.echo('start-marker');
      await rotateOnce();
      await client.echo('end-marker');
      // Not a lifetime: MONITOR output arrives asynchronously, so poll (up to 2 s) for the end marker.
      for (let i = 0; i < 100 && markerAt('end-marker') < 0; i++) await sleep(20);
      const start = markerAt('start-marker');
      const end = markerAt('end-marker');
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeGreaterThan(start);
      const fromClient = seen.slice(start + 1, end).filter((e) => e.source !== 'lua');
      expect(fromClient.map((e) => e.args[0].toLowerCase())).toEqual(['evalsha']);
      monitor.disconnect();
    } finally {
      client.disconnect();
      monitorClient.disconnect();
      await server.stop();
    }
  });
});
