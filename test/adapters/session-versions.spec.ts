import type Redis from 'ioredis';
import { MemorySessionStore } from '../../lib/adapters/memory/memory-session.store';
import { MemorySessionVersions } from '../../lib/adapters/memory/memory-session-versions';
import { RedisSessionStore } from '../../lib/adapters/redis/redis-session.store';
import { RedisSessionVersions } from '../../lib/adapters/redis/redis-session-versions';
import type { SessionStore } from '../../lib/core/ports/session-store.interface';
import type { SessionVersions } from '../../lib/core/ports/session-versions.interface';
import { CONTRACT_SETTINGS } from '../../lib/testing/session-store.contract';
import { createRedisClient, uniqueKeyPrefix } from '../support/redis-client';

let redis: Redis;
beforeAll(() => {
  redis = createRedisClient();
});
afterAll(async () => {
  await redis.quit();
});

let unique = 0;
const input = (userId: string, sessionId: string) => ({ userId, sessionId, secretHash: `h${++unique}`.padEnd(43, 'x') });

const adapters: Array<[string, () => { sessions: SessionStore; versions: SessionVersions }]> = [
  ['memory', () => {
    const sessions = new MemorySessionStore(CONTRACT_SETTINGS);
    return { sessions, versions: new MemorySessionVersions(sessions) };
  }],
  ['Redis', () => {
    const prefix = uniqueKeyPrefix('versions');
    return { sessions: new RedisSessionStore(redis, CONTRACT_SETTINGS, prefix), versions: new RedisSessionVersions(redis, CONTRACT_SETTINGS, prefix) };
  }],
];

describe.each(adapters)('SessionVersions (%s)', (_, make) => {
  it('a session is live at the current version; a bump makes the older version stale; a revoked session is absent', async () => {
    const { sessions, versions } = make();
    await sessions.create(input('u1', 's1'));
    expect(await versions.current('u1')).toBe(0);
    expect(await versions.check('u1', 's1', 0)).toBe('live');
    await versions.bump('u1');
    expect(await versions.current('u1')).toBe(1);
    expect(await versions.check('u1', 's1', 0)).toBe('stale');
    expect(await versions.check('u1', 's1', 1)).toBe('live');
    expect(await versions.check('u1', 's2', 1)).toBe('absent');
    expect(await versions.check('u1', 'bad:id', 1)).toBe('absent');
    await sessions.revoke('u1', 's1');
    expect(await versions.check('u1', 's1', 1)).toBe('absent');
  });

  it("the session writes keep the version (it is no session) and a user without sessions gets none", async () => {
    const { sessions, versions } = make();
    await sessions.create(input('u2', 'a'));
    await versions.bump('u2');
    await sessions.create(input('u2', 'b'));
    await sessions.revokeAll('u2', { keep: { sessionId: 'b' }, credentialVersion: 3 });
    expect((await sessions.list('u2')).map((s) => s.id)).toEqual(['b']);
    expect(await versions.current('u2')).toBe(1);
    await versions.bump('nobody');
    expect(await versions.current('nobody')).toBe(0);
  });
});

describe('RedisSessionVersions', () => {
  it('the guard check is ONE command (HMGET of the head and the version); a user without sessions gets no key', async () => {
    const prefix = uniqueKeyPrefix('versions-cmd');
    const sessions = new RedisSessionStore(redis, CONTRACT_SETTINGS, prefix);
    const versions = new RedisSessionVersions(redis, CONTRACT_SETTINGS, prefix);
    await sessions.create(input('u3', 's1'));
    const sent: string[] = [];
    const original = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }) => {
      sent.push(command.name);
      return original(command as never);
    }) as typeof redis.sendCommand;
    try {
      expect(await versions.check('u3', 's1', 0)).toBe('live');
    } finally {
      redis.sendCommand = original;
    }
    expect(sent).toEqual(['hmget']);
    await versions.bump('u4');
    expect(await redis.exists(`${prefix}:{u4}:s`)).toBe(0);
  });
});
