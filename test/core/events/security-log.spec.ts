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

describe('SecurityLog throttled lines (issue 22: a 429 flood is no log flood, and no refusal is lost)', () => {
  function setUp(windowMs = 60_000) {
    const logger = new Logger('test');
    const lines: Array<Record<string, unknown>> = [];
    jest.spyOn(logger, 'warn').mockImplementation((message: unknown) => void lines.push(JSON.parse(String(message)) as Record<string, unknown>));
    return { log: new SecurityLog(logger, randomBytes(32), windowMs), lines };
  }

  it('the first refusal of a subject at once, the next ones as one counted line when the window closes', () => {
    const { log, lines } = setUp();
    for (let i = 0; i < 500; i++) log.record('login_throttled', { email: 'ada@example.com', ip: '203.0.113.7' });
    for (let i = 0; i < 3; i++) log.record('request_throttled', { action: 'password_forgot', ip: '198.51.100.9' });
    log.record('login_failed', { email: 'ada@example.com', ip: '203.0.113.7' }); // other types: every line
    expect(lines.map((l) => l.securityEvent)).toEqual(['login_throttled', 'request_throttled', 'login_failed']);
    log.flush();
    expect(lines.slice(3)).toEqual([
      expect.objectContaining({ securityEvent: 'login_throttled', ip: '203.0.113.7', count: 499, aggregated: true, windowSeconds: 60 }),
      expect.objectContaining({ securityEvent: 'request_throttled', action: 'password_forgot', count: 2, aggregated: true }),
    ]);
    log.record('login_throttled', { email: 'ada@example.com', ip: '203.0.113.7' });
    expect(lines).toHaveLength(6); // a new window: written at once again
    log.flush();
  });

  it('past 256 subjects in a window, refusals are counted per type and action (bounded memory), and the timer closes the window', async () => {
    const { log, lines } = setUp(50);
    for (let i = 0; i < 300; i++) log.record('request_throttled', { action: 'register', ip: `10.0.${i >> 8}.${i & 255}` });
    expect(lines).toHaveLength(256);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(lines.slice(256)).toEqual([{ securityEvent: 'request_throttled', action: 'register', count: 44, aggregated: 'overflow', windowSeconds: 0 }]);
  });
});
