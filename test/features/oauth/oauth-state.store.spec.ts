import { ServiceBusyError } from '../../../lib/core/errors/auth.errors';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { MemoryOAuthStateStore } from '../../../lib/features/oauth/memory-oauth-state.store';
import { type OAuthStateRecord, type OAuthStateStore } from '../../../lib/features/oauth/oauth-state-store.interface';
import { RedisOAuthStateStore } from '../../../lib/features/oauth/redis-oauth-state.store';
import { redisTopologies } from '../../support/redis-topologies';

function record(overrides: Partial<OAuthStateRecord> = {}): OAuthStateRecord {
  return { provider: 'google', codeVerifier: 'v'.repeat(43), bindingHash: 'b'.repeat(43), purpose: 'login', createdAt: Date.now(), ...overrides };
}

const state = () => randomBytes(32).toString('base64url');

function contract(name: string, make: (now: () => number) => { store: OAuthStateStore; close(): Promise<void> }): void {
  describe(`${name}: OAuthStateStore contract`, () => {
    let store: OAuthStateStore;
    let close: () => Promise<void>;
    let time: number;

    beforeEach(() => {
      time = Date.now();
      ({ store, close } = make(() => time));
    });

    afterEach(() => close());

    it('save -> consume returns the record once; then null', async () => {
      const s = state();
      const r = record({ purpose: 'link', userId: 'u1', sessionId: 's1' });
      await store.save(s, r, 60_000);
      expect(await store.consume(s)).toEqual(r);
      expect(await store.consume(s)).toBeNull();
      expect(await store.consume(state())).toBeNull();
    });

    it('10 concurrent consumes of one state -> exactly one gets the record', async () => {
      const s = state();
      await store.save(s, record(), 60_000);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.consume(s)));
      expect(results.filter((x) => x !== null)).toHaveLength(1);
    });

    it('a record is gone once its TTL is over (the clock is moved, not waited for)', async () => {
      const s = state();
      await store.save(s, record(), 600_000);
      time += 600_000;
      expect(await store.consume(s)).toBeNull();
      const t = state();
      await store.save(t, record(), 600_000);
      time += 599_999;
      expect(await store.consume(t)).not.toBeNull();
    });
  });
}

contract('MemoryOAuthStateStore', (now) => ({ store: new MemoryOAuthStateStore(now), close: async () => undefined }));

for (const topology of redisTopologies()) {
  contract(`RedisOAuthStateStore on ${topology.name}`, (now) => {
    const redis = topology.createClient();
    const prefix = `t${randomBytes(4).toString('hex')}`;
    return { store: new RedisOAuthStateStore(redis, prefix, now), close: async () => redis.disconnect() };
  });
}

describe('RedisOAuthStateStore specifics', () => {
  let client: Redis;
  let store: RedisOAuthStateStore;

  beforeEach(() => {
    client = new Redis(process.env.REDIS_URL as string);
    store = new RedisOAuthStateStore(client, `t${randomBytes(4).toString('hex')}`);
  });

  afterEach(() => client.disconnect());

  it('keeps the record under a hash of the state, with the TTL given', async () => {
    const s = state();
    await store.save(s, record(), 600_000);
    expect(store.key(s)).not.toContain(s);
    const ttl = await client.pttl(store.key(s));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600_000);
    expect(await client.get(store.key(s))).not.toContain(s);
  });

  it('a malformed record is treated as absent (and consumed)', async () => {
    const s = state();
    await client.set(store.key(s), '{"provider":"evil"}', 'PX', 60_000);
    expect(await store.consume(s)).toBeNull();
    await client.set(store.key(s), 'not json', 'PX', 60_000);
    expect(await store.consume(s)).toBeNull();
    await client.set(store.key(s), JSON.stringify(record({ purpose: 'link' })), 'PX', 60_000);
    expect(await store.consume(s)).toBeNull(); // a link record without its user and session
    expect(await client.exists(store.key(s))).toBe(0);
  });

  it('a record written without an expiry (by an older version) lives as long as its key', async () => {
    const s = state();
    const r = record();
    await client.set(store.key(s), JSON.stringify(r), 'PX', 60_000);
    expect(await store.consume(s)).toEqual(r);
    await client.set(store.key(s), JSON.stringify({ ...r, expiresAt: 'soon' }), 'PX', 60_000);
    expect(await store.consume(s)).toBeNull(); // an unreadable expiry fails closed
  });

  it('Redis down -> StoreUnavailableError (fail closed)', async () => {
    const dead = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const failing = new RedisOAuthStateStore(dead);
    await expect(failing.save(state(), record(), 1000)).rejects.toMatchObject({ code: 'store_unavailable' });
    await expect(failing.consume(state())).rejects.toMatchObject({ code: 'store_unavailable' });
    dead.disconnect();
  });
});

describe('MemoryOAuthStateStore bound', () => {
  it('refuses (503 busy) beyond maxRecords live records instead of growing without bound; expired ones make room', async () => {
    let time = Date.now();
    const store = new MemoryOAuthStateStore(() => time, 3);
    for (let i = 0; i < 3; i++) await store.save(state(), record(), 60_000);
    await expect(store.save(state(), record(), 60_000)).rejects.toBeInstanceOf(ServiceBusyError);
    time += 60_000;
    await expect(store.save(state(), record(), 60_000)).resolves.toBeUndefined();
  });
});
