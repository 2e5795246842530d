import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CLIENT_IP, type Fixtures, USER_AGENT } from './fixtures';

/** Redis memory for `sessions` live sessions. */
export interface MemoryPoint {
  sessions: number;
  users: number;
  /** `used_memory` minus the empty database's. */
  bytes: number;
  bytesPerSession: number;
}

export interface MemoryResult {
  sessionsPerUser: number;
  /** The user agent each session records (`null`: none, as for API clients). */
  userAgent: string | null;
  points: MemoryPoint[];
  /** Bytes per session of the sessions added between the two points. */
  marginalBytesPerSession: number;
  /** max/min of the bytes per session at the points and the marginal figure; 1 is perfectly linear. */
  spread: number;
}

async function usedMemory(redis: Redis, settleMs: number): Promise<number> {
  // Let incremental rehashing of the key dictionaries settle before reading.
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const text = String(await redis.call('INFO', 'memory'));
  return Number(/^used_memory:(\d+)/m.exec(text)?.[1]);
}

async function inBatches(total: number, batch: number, task: (i: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < total; start += batch) {
    const running = [];
    for (let i = start; i < Math.min(total, start + batch); i++) running.push(task(i));
    await Promise.all(running);
  }
}

/**
 * Bytes per session, all-in: the session hash, its TTL entry, and the user's session index (a sorted set
 * per user, with its TTL). Sessions are made by `RedisSessionStore` exactly as logins make them (realistic
 * ip and browser user agent) and then rotated once, so each holds the steady-state fields (current and
 * previous hash). No user records: those exist without sessions. Flushes the database first.
 */
export async function measureSessionMemory(
  fixtures: Fixtures,
  redis: Redis,
  counts: readonly number[],
  sessionsPerUser: number,
  userAgent: string | null = USER_AGENT,
  settleMs = 1000,
): Promise<MemoryResult> {
  await redis.flushall();
  const base = await usedMemory(redis, settleMs);
  const points: MemoryPoint[] = [];
  let made = 0;
  let userId = randomUUID();
  for (const target of counts) {
    const firstNew = made;
    const created: { userId: string; sessionId: string; secretHash: string }[] = [];
    for (; made < target; made++) {
      if (made % sessionsPerUser === 0) userId = randomUUID();
      const refresh = fixtures.tokens.createRefreshToken(userId);
      created.push({ userId, sessionId: refresh.sessionId, secretHash: refresh.secretHash });
    }
    await inBatches(created.length, 500, (i) =>
      fixtures.sessions.create({ ...created[i], ip: CLIENT_IP, userAgent: userAgent ?? undefined }),
    );
    await inBatches(created.length, 500, async (i) => {
      const { userId: owner, sessionId, secretHash } = created[i];
      const next = fixtures.tokens.nextRefreshToken({ userId: owner, sessionId, secretHash });
      const result = await fixtures.sessions.rotate({ userId: owner, sessionId, presentedHash: secretHash, nextHash: next.secretHash, ip: CLIENT_IP });
      if (result.status !== 'rotated') throw new Error(`memory bench: rotation ${firstNew + i} was ${result.status}`);
    });
    const live = Number(await redis.dbsize());
    const expectedKeys = target + Math.ceil(target / sessionsPerUser);
    if (live !== expectedKeys) throw new Error(`memory bench: ${live} keys, expected ${expectedKeys}`);
    const bytes = (await usedMemory(redis, settleMs)) - base;
    points.push({ sessions: target, users: Math.ceil(target / sessionsPerUser), bytes, bytesPerSession: bytes / target });
  }
  const [first, last] = [points[0], points[points.length - 1]];
  const marginal = (last.bytes - first.bytes) / (last.sessions - first.sessions);
  const perSession = [...points.map((p) => p.bytesPerSession), marginal];
  return {
    sessionsPerUser,
    userAgent,
    points,
    marginalBytesPerSession: marginal,
    spread: Math.max(...perSession) / Math.min(...perSession),
  };
}
