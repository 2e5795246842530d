import type Redis from 'ioredis';
import { AUTHKIT_REDIS } from '../../lib';
import { http, uniqueEmail } from '../support/test-app';
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

  it('a successful login: the throttle costs one round trip before the password check, and its reset rides with the new session after it', async () => {
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
    // First batch: the three scope counters (EVALSHA each), nothing else.
    expect(batches[0].match(/evalsha/g)).toHaveLength(3);
    expect(batches[0].match(/\{tl:/g)).toHaveLength(6);
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
});
