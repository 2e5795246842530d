import type Redis from 'ioredis';
import { AUTHKIT_REDIS, IdentityResolver } from '../../lib';
import { SessionIssuer } from '../../lib/core/sign-in/session-issuer';
import { RedisUserStore } from '../../lib/adapters/redis/redis-user.store';
import { createRedisClient } from '../support/redis-client';
import { commandsSentDuring } from '../support/redis-monitor';
import { createTestApp, http, type HttpResult, type TestApp, uniqueEmail } from '../support/test-app';
import { sleep } from '../support/time';

const PASSWORD = 'correct horse battery';

/** Counts the writes of the app's connection: one write = one batch of pipelined commands = one round trip. */
async function writesDuring(redis: Redis, action: () => Promise<unknown>): Promise<number> {
  const stream = (redis as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
  const write = stream.write.bind(stream);
  let writes = 0;
  stream.write = (...a: unknown[]) => {
    writes++;
    return write(...a);
  };
  try {
    await action();
  } finally {
    stream.write = write;
  }
  return writes;
}

async function signUp(t: TestApp): Promise<{ refreshToken: string; accessToken: string }> {
  const res = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('rtt'), password: PASSWORD } });
  expect(res.status).toBe(201);
  return res.body as { refreshToken: string; accessToken: string };
}

describe('Redis round trips of a refresh (real HTTP server, real Redis)', () => {
  describe('default Redis user and session stores', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp();
      const warmUp = await signUp(t); // loads the scripts, so the measured call is one EVALSHA
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: warmUp.refreshToken } })).status).toBe(200);
    });

    afterAll(async () => {
      await t.close();
    });

    it('one script call and nothing else, in one round trip; the new access token carries the current roles', async () => {
      const pair = await signUp(t);
      let res: HttpResult<{ refreshToken: string; user: { roles: string[] } }> | undefined;
      const sent = await commandsSentDuring(t.keyPrefix, async () => {
        res = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: pair.refreshToken } });
      });
      expect(res?.status).toBe(200);
      expect(sent).toEqual(['evalsha']);
      expect(res?.body.user).toMatchObject({ roles: ['user'] });

      const writes = await writesDuring(t.app.get<Redis>(AUTHKIT_REDIS), async () => {
        expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: res?.body.refreshToken } })).status).toBe(200);
      });
      expect(writes).toBe(1);
    });

    it('a refused refresh (a token two rotations old: reuse) is one script call too', async () => {
      const pair = await signUp(t);
      const second = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: pair.refreshToken } });
      expect(second.status).toBe(200);
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: second.body.refreshToken } })).status).toBe(200);
      let code: unknown;
      const sent = await commandsSentDuring(t.keyPrefix, async () => {
        code = (await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: pair.refreshToken } })).body.code;
      });
      expect(code).toBe('refresh_token_reused');
      expect(sent).toEqual(['evalsha']);
    });
  });

  describe('requireVerifiedEmail: the user the rotation script read decides (issue 22 item 5)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ requireVerifiedEmail: true });
    });

    afterAll(async () => {
      await t.close();
    });

    /** A session of a user, started by the kernel's SessionIssuer (register answers no tokens under the rule). */
    async function sessionOf(emailVerified: boolean): Promise<{ refreshToken: string }> {
      const user = await t.app.get(IdentityResolver).createUser({ email: uniqueEmail('rtt-v'), password: PASSWORD, emailVerified });
      return (await t.app.get(SessionIssuer).issue(user, { amr: ['pwd'] })).tokens as { refreshToken: string };
    }

    it('a verified user: still one script call; an unverified one: 403 email_unverified and its session ends', async () => {
      const warmUp = await sessionOf(true);
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: warmUp.refreshToken } })).status).toBe(200);
      const verified = await sessionOf(true);
      let status = 0;
      const sent = await commandsSentDuring(t.keyPrefix, async () => {
        status = (await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: verified.refreshToken } })).status;
      });
      expect(status).toBe(200);
      expect(sent).toEqual(['evalsha']);

      const unverified = await sessionOf(false);
      const refused = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: unverified.refreshToken } });
      expect([refused.status, refused.body.code]).toEqual([403, 'email_unverified']);
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: unverified.refreshToken } })).body.code).toBe('refresh_token_invalid');
    });
  });

  describe('a custom user store (here a subclass of the Redis one): two round trips, the user read first', () => {
    class CustomUserStore extends RedisUserStore {}
    let t: TestApp;

    beforeAll(async () => {
      const redis = createRedisClient();
      t = await createTestApp({ userStore: new CustomUserStore(redis, 'custom') });
      const close = t.close;
      t.close = async () => {
        await close();
        redis.disconnect();
      };
      const warmUp = await signUp(t);
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: warmUp.refreshToken } })).status).toBe(200);
    });

    afterAll(async () => {
      await t.close();
    });

    it("reads the user (HGETALL), then rotates (the session script)", async () => {
      const pair = await signUp(t);
      const client = createRedisClient();
      let status = 0;
      try {
        const seen: string[] = [];
        const monitor: Redis = await client.monitor();
        monitor.on('monitor', (_time: string, args: string[], source: string) => {
          if (source !== 'lua' && args.some((a) => a.startsWith('custom:{') || a.startsWith(`${t.keyPrefix}:`))) seen.push(args[0].toLowerCase());
        });
        await sleep(50);
        status = (await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: pair.refreshToken } })).status;
        await sleep(200);
        monitor.disconnect();
        expect(seen).toEqual(['hgetall', 'evalsha']);
      } finally {
        client.disconnect();
      }
      expect(status).toBe(200);
    });
  });

  describe("an app claims function: the user is read first, so a failing function consumes no token (strict rotation)", () => {
    let t: TestApp;
    let fail = false;

    beforeAll(async () => {
      t = await createTestApp({
        refreshTokenRotation: 'strict',
        claims: {
          names: ['tenant'],
          resolve: async () => {
            if (fail) throw new Error('claims source down');
            return { tenant: 't1' };
          },
        },
      } as never);
      const warmUp = await signUp(t);
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: warmUp.refreshToken } })).status).toBe(200);
    });

    afterAll(async () => {
      await t.close();
    });

    it('HGETALL user, then the rotation; after a failed claims function the same token still refreshes', async () => {
      const pair = await signUp(t);
      fail = true;
      const failed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: pair.refreshToken } });
      fail = false;
      expect(failed.status).toBeGreaterThanOrEqual(500);
      let status = 0;
      const sent = await commandsSentDuring(t.keyPrefix, async () => {
        status = (await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: pair.refreshToken } })).status;
      });
      expect(status).toBe(200); // strict rotation: had the failed attempt rotated, this would be `superseded`
      expect(sent).toEqual(['hgetall', 'evalsha']);
    });
  });
});
