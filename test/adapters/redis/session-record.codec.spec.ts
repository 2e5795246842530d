import { createSessionArgv, cutUtf8, decodeHead, decodeSessions, IP_MAX_BYTES, USER_AGENT_MAX_BYTES } from '../../../lib/adapters/redis/session-record.codec';

const SETTINGS = { idleTtlMs: 60_000, absoluteTtlMs: 600_000, reuseWindowMs: 5_000, maxSessionsPerUser: 10 };

describe('session record codec', () => {
  it('cutUtf8 keeps whole characters within the byte budget (a surrogate pair is one 4-byte character)', () => {
    expect(cutUtf8('aé€😀', 1)).toBe('a');
    expect(cutUtf8('aé€😀', 2)).toBe('a');
    expect(cutUtf8('aé€😀', 3)).toBe('aé');
    expect(cutUtf8('aé€😀', 5)).toBe('aé');
    expect(cutUtf8('aé€😀', 6)).toBe('aé€');
    expect(cutUtf8('aé€😀', 9)).toBe('aé€');
    expect(cutUtf8('aé€😀', 10)).toBe('aé€😀');
    expect(cutUtf8('', 10)).toBe('');
  });

  it('every field a create writes is at most 64 bytes, and the fields decode back to the cut ip and user agent', () => {
    const sessionId = 'A'.repeat(22);
    for (let shift = 0; shift < 4; shift++) {
      const userAgent = 'x'.repeat(shift) + '😀é€'.repeat(60);
      const ip = '2001:0db8:85a3:1234:5678:8a2e:0370:7334:ffff';
      const [, now, , , , , head, ...context] = createSessionArgv(
        { sessionId, secretHash: 'h'.repeat(43), ip, userAgent, credentialVersion: 123_456 }, Date.now(), SETTINGS,
      );
      const fields: Record<string, string> = { [sessionId]: head };
      for (let i = 0; i < context.length; i += 2) fields[context[i]] = context[i + 1];
      for (const [name, value] of Object.entries(fields)) {
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(64);
        expect(Buffer.byteLength(value)).toBeLessThanOrEqual(64);
      }
      const [decoded] = decodeSessions(fields);
      expect(decoded).toEqual({
        id: sessionId, createdAt: now, lastUsedAt: now, generation: 1, credentialVersion: 123_456, amr: [], authTime: now,
        ip: cutUtf8(ip, IP_MAX_BYTES), userAgent: cutUtf8(userAgent, USER_AGENT_MAX_BYTES),
      });
    }
  });
});

describe('session record codec: amr and authTime in the head', () => {
  const sessionId = 'B'.repeat(22);
  const now = Date.UTC(2030, 0, 9, 10);

  it('heads written before amr/authTime existed decode as amr [] and authTime = createdAt (a rolling deploy)', () => {
    const t = now.toString(36);
    for (const head of [`${t},${t},3,${'c'.repeat(22)},${'p'.repeat(11)}`, `${t},${t},3,${'c'.repeat(22)},${'p'.repeat(11)},7`]) {
      expect(decodeHead(head)).toMatchObject({ createdAt: now, generation: 3, amr: [], authTime: now });
    }
  });

  it('amr is one character per value and authTime an offset in seconds; the head stays within 64 bytes at a high generation and version', () => {
    const [, , , , , , head] = createSessionArgv(
      { sessionId, secretHash: 'h'.repeat(43), credentialVersion: 99, amr: ['pwd', 'otp', 'mfa'], authTime: now - 3_600_000 }, now, SETTINGS,
    );
    expect(head.endsWith(',023,-2s0')).toBe(true);
    expect(decodeHead(head)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], authTime: now - 3_600_000, credentialVersion: 99 });
    const [, , , , , , plain] = createSessionArgv({ sessionId, secretHash: 'h'.repeat(43), amr: ['pwd'] }, now, SETTINGS);
    expect(plain.endsWith(',0,0')).toBe(true);
    // A rotation rewrites g: a session rotated 99,999 times with version 99 and a password sign-in.
    const rotated = plain.replace(/^([^,]*,[^,]*),1,/, '$1,99999,').replace(/,0,0$/, ',99,0');
    expect(Buffer.byteLength(rotated)).toBeLessThanOrEqual(64);
  });
});
