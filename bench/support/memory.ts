import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type SessionUserAgentMode } from '../../lib';
import { summarizeUserAgent } from '../../lib/core/sessions/user-agent';
import { CLIENT_IP, type Fixtures, USER_AGENT } from './fixtures';

/** Redis memory for `sessions` live sessions. */
export interface MemoryPoint {
  sessions: number;
  users: number;
  /** `used_memory` minus the empty database's. */
  bytes: number;
  bytesPerSession: number;
  /** Seconds it took to create and rotate the sessions added since the previous point. */
  createSeconds?: number;
}

export interface MemoryResult {
  sessionsPerUser: number;
  /** The client's user-agent header (`null`: none, as for API clients). */
  userAgent: string | null;
  /** The `sessionUserAgent` option the sessions were made under ('summary' is the default). */
  userAgentMode: SessionUserAgentMode;
  /** What each session stores of the header under that option. */
  storedUserAgent: string | null;
  /** The client ip of every session. */
  ip: string;
  points: MemoryPoint[];
  /** Bytes per session of the sessions added between the first and the last point. */
  marginalBytesPerSession: number;
  /** max/min of the bytes per session at the points and the marginal figure; 1 is perfectly linear. */
  spread: number;
}

/** Redis `used_memory`, read after `settleMs` (incremental rehashing). */
export async function usedMemory(redis: Redis, settleMs: number): Promise<number> {
  // Let incremental rehashing of the key dictionaries settle before reading.
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const text = String(await redis.call('INFO', 'memory'));
  return Number(/^used_memory:(\d+)/m.exec(text)?.[1]);
}

/** Sessions created (then rotated) concurrently per batch. */
const BATCH = 2000;

/** A client on IPv6, full length (39 characters): the longest ip a session stores in practice. */
export const IPV6_CLIENT_IP = '2001:0db8:85a3:1234:5678:8a2e:0370:7334';

/** What the sessions of one memory measurement look like. */
export interface MemoryScenario {
  sessionsPerUser: number;
  /** The client's user-agent header; `null` for none. Default: a browser's. */
  userAgent?: string | null;
  /** The `sessionUserAgent` option. Default 'summary' (the library's default). */
  userAgentMode?: SessionUserAgentMode;
  /** The client ip. Default an IPv4 address. */
  ip?: string;
  /** Wait before reading `used_memory` (incremental rehashing). Default 1000 ms. */
  settleMs?: number;
}

/**
 * Bytes per session, all-in: each user's sessions hash (key, TTL entry, Redis' dictionaries, the records).
 * Sessions are made by `RedisSessionStore` exactly as logins make them (realistic ip; the browser user agent
 * as `AuthService` stores it under `userAgentMode`) and then rotated once, so each holds the steady-state
 * fields (current and previous hash). No user records: those exist without sessions. Flushes the database first.
 */
export async function measureSessionMemory(
  fixtures: Fixtures,
  redis: Redis,
  counts: readonly number[],
  scenario: MemoryScenario,
): Promise<MemoryResult> {
  const { sessionsPerUser, userAgent = USER_AGENT, userAgentMode = 'summary', ip = CLIENT_IP, settleMs = 1000 } = scenario;
  // What AuthService hands the store for this header under this option (lib/core/sessions/user-agent.ts).
  const stored = userAgent === null || userAgentMode === 'none' ? null : userAgentMode === 'full' ? userAgent : summarizeUserAgent(userAgent) ?? null;
  await redis.flushall();
  const base = await usedMemory(redis, settleMs);
  const points: MemoryPoint[] = [];
  let made = 0;
  let userId = randomUUID();
  for (const target of counts) {
    const began = Date.now();
    // In batches of concurrent calls (ioredis pipelines them), made and rotated batch by batch so that a
    // million sessions never sit in this process at once.
    for (; made < target; ) {
      const batch: { userId: string; sessionId: string; secretHash: string }[] = [];
      for (; made < target && batch.length < BATCH; made++) {
        if (made % sessionsPerUser === 0) userId = randomUUID();
        const refresh = fixtures.tokens.createRefreshToken(userId);
        batch.push({ userId, sessionId: refresh.sessionId, secretHash: refresh.secretHash });
      }
      await Promise.all(batch.map((session) => fixtures.sessions.create({ ...session, ip, userAgent: stored ?? undefined })));
      await Promise.all(
        batch.map(async ({ userId: owner, sessionId, secretHash }, i) => {
          const next = fixtures.tokens.nextRefreshToken({ userId: owner, sessionId, secretHash });
          const result = await fixtures.sessions.rotate({ userId: owner, sessionId, presentedHash: secretHash, nextHash: next.secretHash, ip });
          if (result.status !== 'rotated') throw new Error(`memory bench: rotation ${made - batch.length + i} was ${result.status}`);
        }),
      );
    }
    const createSeconds = (Date.now() - began) / 1000;
    const live = Number(await redis.dbsize());
    const expectedKeys = Math.ceil(target / sessionsPerUser); // one sessions hash per user
    if (live !== expectedKeys) throw new Error(`memory bench: ${live} keys, expected ${expectedKeys}`);
    const bytes = (await usedMemory(redis, settleMs)) - base;
    points.push({ sessions: target, users: Math.ceil(target / sessionsPerUser), bytes, bytesPerSession: bytes / target, createSeconds });
  }
  const [first, last] = [points[0], points[points.length - 1]];
  const marginal = (last.bytes - first.bytes) / (last.sessions - first.sessions);
  const perSession = [...points.map((p) => p.bytesPerSession), marginal];
  return {
    sessionsPerUser,
    userAgent,
    userAgentMode,
    storedUserAgent: stored,
    ip,
    points,
    marginalBytesPerSession: marginal,
    spread: Math.max(...perSession) / Math.min(...perSession),
  };
}

/**
 * The memory measurements of a run: one and three sessions per user with a browser user agent, a client on
 * IPv6, no user agent, and the opt-in raw user agent (`sessionUserAgent: 'full'`, reported, not judged).
 */
export const MEMORY_SCENARIOS: readonly MemoryScenario[] = [
  { sessionsPerUser: 1 },
  { sessionsPerUser: 3 },
  { sessionsPerUser: 1, ip: IPV6_CLIENT_IP },
  { sessionsPerUser: 1, userAgent: null },
  { sessionsPerUser: 1, userAgentMode: 'full' },
];
