import { redisStorage } from '@better-auth/redis-storage';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { Redis } from 'ioredis';
import { BETTER_AUTH_BASE_URL } from './better-auth.constants';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`better-auth bench app: ${name} is not set`);
  return value;
}

/**
 * The Better Auth instance of the side-by-side rows, configured as its documentation recommends for production
 * (bench/README.md, "Better Auth side by side", lists every setting and why):
 * - sessions in Redis only: `secondaryStorage` is the official `@better-auth/redis-storage` adapter over an
 *   ioredis client (`session.storeSessionInDatabase` left at its default, false);
 * - users and password accounts in Better Auth's own in-memory database adapter (`better-auth/adapters/memory`):
 *   no disk I/O and no native build; the rows compared read sessions from Redis, not from the database;
 * - email and password sign-in (scrypt, Better Auth's default hasher);
 * - every session option at its default: 7-day sessions extended when a day old (`updateAge`), no cookie cache
 *   (opt-in: it trades immediate revocation for fewer reads), except in the apps of two rows: `BENCH_BA_UPDATE_AGE`
 *   (the refresh row's app: 0, so that every `get-session` extends the session) and `BENCH_BA_COOKIE_CACHE=1`
 *   (the cookie-cache row's app: `session.cookieCache` on, at its defaults); see the README;
 * - rate limiting as in production (on, in the secondary storage), the client ip from `X-Forwarded-For`;
 * - a 32-byte secret and an HTTPS `baseURL`, so cookies are `Secure` and `__Secure-` prefixed.
 */
export async function createBenchAuth() {
  const updateAge = process.env.BENCH_BA_UPDATE_AGE;
  const session = {
    ...(updateAge !== undefined ? { updateAge: Number(updateAge) } : {}),
    ...(process.env.BENCH_BA_COOKIE_CACHE === '1' ? { cookieCache: { enabled: true } } : {}),
  };
  // The memory adapter's tables: one array per model of Better Auth's core schema (sessions go to Redis only).
  const database = memoryAdapter({ user: [], session: [], account: [], verification: [] });
  const auth = betterAuth({
    appName: 'bench',
    baseURL: BETTER_AUTH_BASE_URL,
    secret: required('BENCH_BA_SECRET'),
    database,
    secondaryStorage: redisStorage({ client: new Redis(required('REDIS_URL')) }),
    emailAndPassword: { enabled: true },
    session,
    telemetry: { enabled: false },
  });
  return auth;
}

/** The configured instance's type. */
export type BenchAuth = Awaited<ReturnType<typeof createBenchAuth>>;
