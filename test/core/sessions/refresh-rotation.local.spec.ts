import { MemorySessionStore } from '../../../lib/adapters/memory/memory-session.store';
import { MemoryUserStore } from '../../../lib/adapters/memory/memory-user.store';
import { RedisSessionStore } from '../../../lib/adapters/redis/redis-session.store';
import { RedisUserStore } from '../../../lib/adapters/redis/redis-user.store';
import type { StoredUser } from '../../../lib/core/ports/user-store.interface';
import { refreshRotation } from '../../../lib/core/sessions/refresh-rotation';
import { CONTRACT_SETTINGS, newHash, newSessionId } from '../../../lib/testing/session-store.contract';
import { createRedisClient, uniqueKeyPrefix } from '../../support/redis-client';

/**
 * refreshRotation's generic path (user read first, then the rotation) on the in-process stores, and `beforeRotate`
 * on both paths: it sees the user, a throw leaves the presented token valid, and it forces the two-step path.
 */
describe('refreshRotation: user read first (in-process stores)', () => {
  const sessionStores: MemorySessionStore[] = [];
  afterEach(() => sessionStores.splice(0).forEach((store) => store.close()));

  async function setup() {
    const users = new MemoryUserStore();
    const sessions = new MemorySessionStore(CONTRACT_SETTINGS);
    sessionStores.push(sessions);
    const user = await users.create({ email: null, passwordHash: 'h', roles: ['user'], emailVerified: false });
    const sessionId = newSessionId();
    const hash = newHash();
    await sessions.create({ userId: user.id, sessionId, secretHash: hash, credentialVersion: user.credentialVersion });
    return { users, sessions, user, sessionId, hash, rotate: refreshRotation(sessions, users) };
  }

  it('rotated and duplicate carry the user as stored now; other outcomes carry no user', async () => {
    const { user, sessionId, hash, rotate } = await setup();
    const nextHash = newHash();
    const first = await rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash });
    expect(first).toMatchObject({ status: 'rotated', session: { id: sessionId, generation: 2 }, user: { id: user.id, roles: ['user'] } });
    expect(await rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash })).toMatchObject({ status: 'duplicate', user: { id: user.id } });
    const superseded = await rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() });
    expect(superseded).toEqual({ status: 'superseded' });
    expect(await rotate({ userId: user.id, sessionId: newSessionId(), presentedHash: hash, nextHash })).toEqual({ status: 'invalid' });
  });

  it('the rotation is checked against the user\'s credential version: changed since login, stale and deleted', async () => {
    const { users, sessions, user, sessionId, hash, rotate } = await setup();
    expect(await users.setPasswordHash(user.id, 'other')).toBe(true);
    expect(await rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() })).toEqual({ status: 'stale' });
    expect(await sessions.exists(user.id, sessionId)).toBe(false);
  });

  it('a user deleted or disabled since: invalid, the session revoked, the rotation never attempted', async () => {
    const deleted = await setup();
    await deleted.users.deleteUser(deleted.user.id);
    const rotateSpy = jest.spyOn(deleted.sessions, 'rotate');
    expect(await deleted.rotate({ userId: deleted.user.id, sessionId: deleted.sessionId, presentedHash: deleted.hash, nextHash: newHash() })).toEqual({ status: 'invalid' });
    expect(await deleted.sessions.exists(deleted.user.id, deleted.sessionId)).toBe(false);
    expect(rotateSpy).not.toHaveBeenCalled();

    const disabled = await setup();
    await disabled.users.setDisabled(disabled.user.id, true);
    const before = jest.fn(async () => undefined);
    expect(await disabled.rotate({ userId: disabled.user.id, sessionId: disabled.sessionId, presentedHash: disabled.hash, nextHash: newHash() }, before)).toEqual({ status: 'invalid' });
    expect(await disabled.sessions.exists(disabled.user.id, disabled.sessionId)).toBe(false);
    expect(before).not.toHaveBeenCalled();
  });

  it('beforeRotate sees the user before the rotation; if it throws, nothing rotates and the presented token stays valid', async () => {
    const { user, sessionId, hash, rotate } = await setup();
    const seen: StoredUser[] = [];
    const refusal = new Error('step-up required');
    await expect(rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() }, async (u) => {
      seen.push(u);
      throw refusal;
    })).rejects.toBe(refusal);
    expect(seen.map((u) => u.id)).toEqual([user.id]);
    const ok = jest.fn(async () => undefined);
    expect(await rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() }, ok)).toMatchObject({ status: 'rotated', user: { id: user.id } });
    expect(ok).toHaveBeenCalledWith(expect.objectContaining({ id: user.id }));
  });
});

describe('refreshRotation: beforeRotate on the default Redis stores takes the two-step path', () => {
  it('the user is read through the port, beforeRotate runs, and a throw leaves the token valid', async () => {
    const redis = createRedisClient();
    try {
      const prefix = uniqueKeyPrefix('rrl');
      const users = new RedisUserStore(redis, prefix);
      const sessions = new RedisSessionStore(redis, CONTRACT_SETTINGS, prefix);
      const user = await users.create({ email: null, passwordHash: 'h', roles: ['user'], emailVerified: false });
      const sessionId = newSessionId();
      const hash = newHash();
      await sessions.create({ userId: user.id, sessionId, secretHash: hash, credentialVersion: user.credentialVersion });
      const reads = jest.spyOn(users, 'findById');
      const oneScript = jest.spyOn(sessions, 'rotateWithUserRecord');
      const rotate = refreshRotation(sessions, users);
      const refusal = new Error('no');
      await expect(rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() }, async () => Promise.reject(refusal))).rejects.toBe(refusal);
      expect(reads).toHaveBeenCalledTimes(1);
      expect(oneScript).not.toHaveBeenCalled();
      const before = jest.fn(async () => undefined);
      expect(await rotate({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() }, before)).toMatchObject({ status: 'rotated', user: { id: user.id } });
      expect(before).toHaveBeenCalledTimes(1);
      expect(oneScript).not.toHaveBeenCalled();
      // Without beforeRotate: the one script, no read through the port.
      reads.mockClear();
      const sessionId2 = newSessionId();
      const hash2 = newHash();
      await sessions.create({ userId: user.id, sessionId: sessionId2, secretHash: hash2, credentialVersion: user.credentialVersion });
      expect(await rotate({ userId: user.id, sessionId: sessionId2, presentedHash: hash2, nextHash: newHash() })).toMatchObject({ status: 'rotated', user: { id: user.id } });
      expect(oneScript).toHaveBeenCalledTimes(1);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      redis.disconnect();
    }
  });
});

describe('refreshRotation: the default RedisUserStore with a session store that cannot read its records', () => {
  it('another key prefix or an in-process session store: the two-step path, and the rotation still works', async () => {
    const redis = createRedisClient();
    const memorySessions = new MemorySessionStore(CONTRACT_SETTINGS);
    try {
      const users = new RedisUserStore(redis, uniqueKeyPrefix('rrl-users'));
      const otherPrefix = new RedisSessionStore(redis, CONTRACT_SETTINGS, uniqueKeyPrefix('rrl-sessions'));
      const user = await users.create({ email: null, passwordHash: 'h', roles: ['user'], emailVerified: false });
      const reads = jest.spyOn(users, 'findById');
      for (const sessions of [otherPrefix, memorySessions]) {
        const sessionId = newSessionId();
        const hash = newHash();
        await sessions.create({ userId: user.id, sessionId, secretHash: hash, credentialVersion: user.credentialVersion });
        reads.mockClear();
        expect(await refreshRotation(sessions, users)({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() }))
          .toMatchObject({ status: 'rotated', user: { id: user.id, roles: ['user'] } });
        expect(reads).toHaveBeenCalledTimes(1);
      }
    } finally {
      memorySessions.close();
      redis.disconnect();
    }
  });

  it('one script that answers rotated without the user record: invalid (fails closed, no user taken for granted)', async () => {
    const redis = createRedisClient();
    try {
      const prefix = uniqueKeyPrefix('rrl');
      const users = new RedisUserStore(redis, prefix);
      const sessions = new RedisSessionStore(redis, CONTRACT_SETTINGS, prefix);
      const user = await users.create({ email: null, passwordHash: 'h', roles: ['user'], emailVerified: false });
      const sessionId = newSessionId();
      const hash = newHash();
      await sessions.create({ userId: user.id, sessionId, secretHash: hash, credentialVersion: user.credentialVersion });
      const rotateWithUserRecord = sessions.rotateWithUserRecord.bind(sessions);
      jest.spyOn(sessions, 'rotateWithUserRecord').mockImplementation(async (input, fields) => ({ ...(await rotateWithUserRecord(input, fields)), userRecord: undefined }));
      expect(await refreshRotation(sessions, users)({ userId: user.id, sessionId, presentedHash: hash, nextHash: newHash() })).toEqual({ status: 'invalid' });
    } finally {
      redis.disconnect();
    }
  });
});
