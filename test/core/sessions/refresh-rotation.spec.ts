import { RedisSessionStore } from '../../../lib/adapters/redis/redis-session.store';
import { RedisUserStore } from '../../../lib/adapters/redis/redis-user.store';
import { refreshRotation } from '../../../lib/core/sessions/refresh-rotation';
import { MemoryUserStore } from '../../../lib/adapters/memory/memory-user.store';
import { hasUserRecordRotation } from '../../../lib/core/ports/session-store.interface';
import { CONTRACT_SETTINGS, newHash, newSessionId, ODD_USER_IDS } from '../../../lib/testing/session-store.contract';
import { createRedisClient, uniqueKeyPrefix } from '../../support/redis-client';
import { redisTopologies, topologyClients } from '../../support/redis-topologies';
import type { RedisClient } from '../../../lib/adapters/redis/redis.options';
import { RedisKeys } from '../../../lib/adapters/redis/redis-keys';

const shared = topologyClients();
afterAll(() => shared.closeAll());

for (const topology of redisTopologies()) {
  describe(`refreshRotation with the default Redis stores, one script (${topology.name})`, () => {
    let redis: RedisClient;
    let users: RedisUserStore;
    let sessions: RedisSessionStore;
    let calls: { findById: number };

    beforeEach(() => {
      redis = shared.client(topology);
      const prefix = uniqueKeyPrefix('rr');
      users = new RedisUserStore(redis, prefix);
      calls = { findById: 0 };
      const findById = users.findById.bind(users);
      // Counts reads through the port: the one-script path never makes one.
      users.findById = (id: string) => {
        calls.findById++;
        return findById(id);
      };
      sessions = new RedisSessionStore(redis, CONTRACT_SETTINGS, prefix);
    });

    async function userWithSession(roles = ['user']) {
      const user = await users.create({ email: null, passwordHash: 'h', roles, emailVerified: false });
      const sessionId = newSessionId();
      const hash = newHash();
      await sessions.create({ userId: user.id, sessionId, secretHash: hash, credentialVersion: user.credentialVersion });
      return { user, sessionId, hash };
    }

    it('the Redis session store offers the capability and reads this user store’s records; not another prefix’s or client’s', () => {
      expect(hasUserRecordRotation(sessions)).toBe(true);
      expect(sessions.readsUserRecordsOf(users.recordSource)).toBe(true);
      expect(sessions.readsUserRecordsOf({ ...users.recordSource, keyPrefix: 'other' })).toBe(false);
      expect(sessions.readsUserRecordsOf({ ...users.recordSource, redis: {} })).toBe(false);
    });

    it('rotated and duplicate carry the user as stored now (roles changed since login), read in the same script', async () => {
      const { user, sessionId, hash } = await userWithSession();
      await users.setRoles(user.id, ['user', 'editor']);
      const rotate = refreshRotation(sessions, users);
      const nextHash = newHash();
      const first = await rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash });
      expect(first).toMatchObject({ status: 'rotated', user: { id: user.id, roles: ['user', 'editor'], disabled: false } });
      const again = await rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash });
      expect(again).toMatchObject({ status: 'duplicate', user: { id: user.id } });
      expect(calls.findById).toBe(0);
    });

    it('a disabled user: invalid, and the session is deleted', async () => {
      const { user, sessionId, hash } = await userWithSession();
      await redis.hset(new RedisKeys(users.recordSource.keyPrefix).user(user.id), 'dis', '1'); // disabled without a version change
      const result = await refreshRotation(sessions, users)({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() });
      expect(result).toEqual({ status: 'invalid' });
      expect(await sessions.exists(user.id, sessionId)).toBe(false);
    });

    it('a user that no longer exists: invalid, and the session is deleted', async () => {
      const { user, sessionId, hash } = await userWithSession();
      await redis.del(new RedisKeys(users.recordSource.keyPrefix).user(user.id));
      const result = await refreshRotation(sessions, users)({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() });
      expect(result).toEqual({ status: 'invalid' });
      expect(await sessions.exists(user.id, sessionId)).toBe(false);
    });

    it("credentials changed since the session's login (newer version in the user's record): stale, session deleted", async () => {
      const { user, sessionId, hash } = await userWithSession();
      expect(await users.setPasswordHash(user.id, 'other')).toBe(true); // increments the credential version
      const result = await refreshRotation(sessions, users)({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() });
      expect(result).toEqual({ status: 'stale' });
      expect(await sessions.exists(user.id, sessionId)).toBe(false);
    });

    it('reuse and unknown sessions answer as rotate does', async () => {
      const { user, sessionId, hash } = await userWithSession();
      const rotate = refreshRotation(sessions, users);
      const second = newHash();
      expect((await rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash: second })).status).toBe('rotated');
      expect((await rotate({ userId: user.id, sessionId, presentedHash: second, nextHash: newHash() })).status).toBe('rotated');
      expect((await rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() })).status).toBe('reused');
      expect((await rotate({ userId: user.id, sessionId: newSessionId(), presentedHash: hash, nextHash: newHash() })).status).toBe('invalid');
      expect((await rotate({ userId: user.id, sessionId: 'bad:id', presentedHash: hash, nextHash: newHash() })).status).toBe('invalid');
    });

    it('odd user ids (encoded hash tags) reach the same user record', async () => {
      for (const id of ODD_USER_IDS) {
        await redis.hset(new RedisKeys(users.recordSource.keyPrefix).user(id), 'id', id, 'roles', '["odd"]', 'cv', '0');
        const sessionId = newSessionId();
        const hash = newHash();
        await sessions.create({ userId: id, sessionId, secretHash: hash });
        const result = await refreshRotation(sessions, users)({ userId: id, sessionId, presentedHash: hash, nextHash: newHash() });
        expect(result).toMatchObject({ status: 'rotated', user: { id, roles: ['odd'] } });
      }
    });
  });
}

describe('refreshRotation with other stores: the user read first, then the rotation', () => {
  it('a custom user store (even a RedisUserStore subclass) or another client keeps the generic path', async () => {
    const redis = createRedisClient();
    try {
      const prefix = uniqueKeyPrefix('rr');
      class Custom extends RedisUserStore {}
      const custom = new Custom(redis, prefix);
      const sessions = new RedisSessionStore(redis, CONTRACT_SETTINGS, prefix);
      const user = await custom.create({ email: null, passwordHash: null, roles: ['user'], emailVerified: false });
      const sessionId = newSessionId();
      const hash = newHash();
      await sessions.create({ userId: user.id, sessionId, secretHash: hash });
      let reads = 0;
      const findById = custom.findById.bind(custom);
      custom.findById = (id: string) => {
        reads++;
        return findById(id);
      };
      expect(await refreshRotation(sessions, custom)({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() }))
        .toMatchObject({ status: 'rotated', user: { id: user.id } });
      expect(reads).toBe(1);

      const memory = new MemoryUserStore();
      const memoryUser = await memory.create({ email: null, passwordHash: null, roles: [], emailVerified: false });
      await memory.setDisabled(memoryUser.id, true);
      const memorySession = newSessionId();
      await sessions.create({ userId: memoryUser.id, sessionId: memorySession, secretHash: hash });
      expect(await refreshRotation(sessions, memory)({ userId: memoryUser.id, sessionId: memorySession, presentedHash: hash, nextHash: newHash() }))
        .toEqual({ status: 'invalid' });
      expect(await sessions.exists(memoryUser.id, memorySession)).toBe(false);
    } finally {
      redis.disconnect();
    }
  });
});
