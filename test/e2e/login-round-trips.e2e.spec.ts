import type Redis from 'ioredis';
import { AUTHKIT_REDIS } from '../../lib';
import { http, type HttpResult, uniqueEmail } from '../support/test-app';
import { type AbuseApp, createAbuseApp, strongPassword } from '../support/abuse-app';

/**
 * Records the writes of the app's Redis connection: one write = one batch of pipelined commands = one round
 * trip (the app's client auto-pipelines).
 */
function recordWrites(redis: Redis): { batches: string[]; restore: () => void } {
  const stream = (redis as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
  const write = stream.write.bind(stream);
  const batches: string[] = [];
  stream.write = (...a: unknown[]) => {
    batches.push(String(a[0]));
    return write(...a);
  };
  return { batches, restore: () => (stream.write = write) };
}

/** Whether a batch touches a login throttle counter (`{tl:<scope>:...}` keys). */
const throttles = (batch: string) => batch.includes('{tl:');

describe('Redis round trips of a password login (real Redis)', () => {
  let t: AbuseApp;

  beforeAll(async () => {
    t = await createAbuseApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a successful login: at most 3 round trips; the throttle check shares the first with the email lookup, and its reset rides with the new session', async () => {
    const email = uniqueEmail('rt');
    const password = strongPassword();
    expect((await http(t.url, 'POST', '/auth/register', { json: { email, password } })).status).toBe(201);
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password } })).status).toBe(200); // scripts loaded
    const { batches, restore } = recordWrites(t.app.get<Redis>(AUTHKIT_REDIS));
    try {
      expect((await http(t.url, 'POST', '/auth/login', { json: { email, password } })).status).toBe(200);
    } finally {
      restore();
    }
    // At most 3 round trips all in: (1) throttle check | email index, (2) the user's record, (3) session | reset.
    expect(batches.length).toBeLessThanOrEqual(3);
    // First batch: the three scope counters (EVALSHA each) and the email index lookup (started with them, used
    // only once the check allowed the attempt).
    expect(batches[0].match(/evalsha/g)).toHaveLength(3);
    expect(batches[0].match(/\{tl:/g)).toHaveLength(6);
    expect(batches[0]).toMatch(/\bget\b[\s\S]*:email:/i);
    // Last batch: the email+ip reset and the others' uncounting, together with the session's creation.
    const last = batches[batches.length - 1];
    expect(last).toMatch(/\bdel\b[\s\S]*\{tl:emailIp:/);
    expect(last).toMatch(/:s\r\n/); // the user's sessions hash
    // In between: only the user lookup, no throttle command.
    expect(batches.slice(1, -1).filter(throttles)).toEqual([]);
  });

  it('a failed login: one throttle round trip before the password check, none after', async () => {
    const email = uniqueEmail('rtf');
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: 'wrong password' } })).status).toBe(401);
    const { batches, restore } = recordWrites(t.app.get<Redis>(AUTHKIT_REDIS));
    try {
      expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: 'wrong password' } })).status).toBe(401);
    } finally {
      restore();
    }
    expect(batches.filter(throttles)).toHaveLength(1);
    expect(throttles(batches[0])).toBe(true);
  });

  it('a throttled login: the prefetched lookup is dropped (no password check, no session, no reset), 429 too_many_attempts', async () => {
    const email = uniqueEmail('rtb');
    const password = strongPassword();
    expect((await http(t.url, 'POST', '/auth/register', { json: { email, password } })).status).toBe(201);
    let blocked = false;
    for (let i = 0; i < 50 && !blocked; i++) {
      blocked = (await http(t.url, 'POST', '/auth/login', { json: { email, password: 'wrong password' } })).status === 429;
    }
    expect(blocked).toBe(true);
    const { batches, restore } = recordWrites(t.app.get<Redis>(AUTHKIT_REDIS));
    let res: HttpResult<{ code?: string }>;
    try {
      res = await http(t.url, 'POST', '/auth/login', { json: { email, password } });
    } finally {
      restore();
    }
    expect([res.status, res.body.code]).toEqual([429, 'too_many_attempts']);
    // The lookup started with the check (GET email, then HGETALL user) may complete; nothing is done with it.
    expect(batches.join('')).not.toMatch(/:s\r\n/);
    expect(batches.join('')).not.toMatch(/\bdel\b/i);
    expect(batches.join('')).not.toMatch(/:user\r\n[\s\S]*\bpwd\b/); // no rehash written
  });
});
