import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { EmailTakenError, RedisUserStore } from '../../../lib';
import { RedisKeys } from '../../../lib/adapters/redis/redis-keys';
import { createRedisClient, globEscape, scanKeys, uniqueKeyPrefix } from '../../support/redis-client';
import { RedisServer } from '../../support/redis-server';
import { redisTopologies, scanAllKeys, topologyClients } from '../../support/redis-topologies';
import { describeUserStoreContract, describeUserStoreDeletionContract } from '../../../lib/testing/user-store.contract';
import { describeCredentialStoreContract } from '../../../lib/testing/credential-store.contract';

let redis: Redis;

beforeAll(() => {
  redis = createRedisClient();
});

afterAll(async () => {
  await redis.quit();
});

const shared = topologyClients();
afterAll(() => shared.closeAll());

for (const topology of redisTopologies()) {
  // Whatever the prefix: every key of a user carries the hash tag `{<id>}` (ids are unique per test).
  const probe = { keysFor: (id: string) => scanAllKeys(shared.client(topology), `*${globEscape(`{${new RedisKeys('').userTag(id)}}`)}*`) };
  describeUserStoreContract(`RedisUserStore on ${topology.name}`, () => new RedisUserStore(shared.client(topology), uniqueKeyPrefix('users')), probe);
  describeCredentialStoreContract(`RedisUserStore on ${topology.name}`, () => new RedisUserStore(shared.client(topology), uniqueKeyPrefix('users')), probe);
}

describe('RedisUserStore: Redis specifics', () => {
  const newUser = (email: string | null) => ({ email, passwordHash: 'hash', roles: ['user'], emailVerified: false });

  it('a created user record (and its identities) has no TTL once created', async () => {
    const prefix = uniqueKeyPrefix('persist');
    const store = new RedisUserStore(redis, prefix);
    const keys = new RedisKeys(prefix);
    const user = await store.create(newUser(`p-${randomUUID()}@example.com`));
    expect(await redis.pttl(keys.user(user.id))).toBe(-1);
    const oauth = await store.createWithIdentity(newUser(`o-${randomUUID()}@example.com`), {
      provider: 'google', providerUserId: randomUUID(), email: null, emailVerified: false,
    });
    expect(oauth.created).toBe(true);
    expect(await redis.pttl(keys.user(oauth.user.id))).toBe(-1);
    expect(await redis.pttl(keys.identities(oauth.user.id))).toBe(-1);
  });

  it('each update is ONE script call (EVALSHA) and nothing else, for an existing and for an unknown user', async () => {
    // A server of its own: MONITOR sees every client's commands, and other suites share the Jest Redis.
    const server = await RedisServer.start();
    const client = createRedisClient({}, server.url);
    const admin = createRedisClient({}, server.url);
    try {
      const store = new RedisUserStore(client, uniqueKeyPrefix('one'));
      const user = await store.create(newUser(`one-${randomUUID()}@example.com`));
      await store.setRoles(user.id, ['user']); // loads the scripts (NOSCRIPT -> EVAL once)
      await store.setDisabled(user.id, false);
      const monitor = await admin.monitor();
      const topLevel: string[] = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source !== 'lua') topLevel.push(String(args[0]).toLowerCase());
      });
      try {
        for (const id of [user.id, `ghost-${randomUUID()}`]) {
          await store.setRoles(id, ['admin']);
          await store.setPasswordHash(id, null);
          await store.setDisabled(id, true);
          await store.markEmailVerified(id);
        }
        await new Promise((resolve) => setTimeout(resolve, 200)); // let the MONITOR feed catch up
      } finally {
        monitor.disconnect();
      }
      expect(topLevel).toEqual(Array.from({ length: 8 }, () => 'evalsha'));
    } finally {
      client.disconnect();
      admin.disconnect();
      await server.stop();
    }
  });

  it('an email claimed for a user whose record is gone (a creation that died half-way) does not block a registration', async () => {
    const prefix = uniqueKeyPrefix('dangling');
    const store = new RedisUserStore(redis, prefix);
    const keys = new RedisKeys(prefix);
    const email = `d-${randomUUID()}@example.com`;
    await redis.set(keys.email(email), randomUUID());
    expect(await store.findByEmail(email)).toBeNull();

    const user = await store.create(newUser(email));
    expect((await store.findByEmail(email))?.id).toBe(user.id);
    // A live owner is never displaced.
    await expect(store.create(newUser(email))).rejects.toBeInstanceOf(EmailTakenError);
    expect((await store.findByEmail(email))?.id).toBe(user.id);
  });

  it('an identity claimed for a user whose record is gone does not block the OAuth sign-in or a link', async () => {
    const prefix = uniqueKeyPrefix('dangling-id');
    const store = new RedisUserStore(redis, prefix);
    const keys = new RedisKeys(prefix);
    const identity = { provider: 'github', providerUserId: randomUUID(), email: null, emailVerified: false };
    await redis.set(keys.identity(identity.provider, identity.providerUserId), randomUUID());
    const first = await store.createWithIdentity(newUser(null), identity);
    expect(first.created).toBe(true);
    expect((await store.findByIdentity(identity.provider, identity.providerUserId))?.id).toBe(first.user.id);

    const other = { ...identity, provider: 'google', providerUserId: randomUUID() };
    await redis.set(keys.identity(other.provider, other.providerUserId), randomUUID());
    expect(await store.linkIdentity(first.user.id, other)).toEqual({ status: 'linked' });
    expect((await store.findByIdentity(other.provider, other.providerUserId))?.id).toBe(first.user.id);
  });
});

for (const topology of redisTopologies()) {
  describeUserStoreDeletionContract(`RedisUserStore on ${topology.name}`, () => new RedisUserStore(shared.client(topology), uniqueKeyPrefix('users-del')));
}
