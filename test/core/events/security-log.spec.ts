import { createHash, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { emailLogHash, SecurityLog } from '../../../lib/core/events/security-log';

describe('SecurityLog email pseudonyms', () => {
  const email = 'ada.lovelace@example.com';

  function lineOf(log: SecurityLog, logger: Logger, spy: jest.SpyInstance): Record<string, unknown> {
    log.record('login_failed', { email, ip: '203.0.113.7' });
    return JSON.parse(spy.mock.calls.at(-1)[0] as string) as Record<string, unknown>;
  }

  it('are an HMAC under the server key: stable per email within one key, another under another key, never the plain SHA-256', () => {
    const logger = new Logger('test');
    const spy = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const key = randomBytes(32);
    const first = lineOf(new SecurityLog(logger, key), logger, spy);
    const again = lineOf(new SecurityLog(logger, Buffer.from(key)), logger, spy);
    const otherKey = lineOf(new SecurityLog(logger, randomBytes(32)), logger, spy);
    expect(first.emailHash).toMatch(/^[0-9a-f]{16}$/);
    expect(again.emailHash).toBe(first.emailHash);
    expect(otherKey.emailHash).not.toBe(first.emailHash);
    expect(first.emailHash).not.toBe(createHash('sha256').update(email).digest('hex').slice(0, 16));
    expect(first.emailHash).toBe(emailLogHash(email, key));
    expect(JSON.stringify(first)).not.toContain(email);
  });
});
