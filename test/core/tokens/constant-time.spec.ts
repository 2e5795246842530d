import crypto = require('node:crypto');
import { MemoryOneTimeTokenStore } from '../../../lib/adapters/memory/memory-one-time-token.store';
import { MemorySessionStore } from '../../../lib/adapters/memory/memory-session.store';
import { constantTimeEqual } from '../../../lib/core/tokens/constant-time';
import { mintOneTimeToken, parseOneTimeToken } from '../../../lib/core/tokens/one-time-token';
import { RefreshTokenCodec } from '../../../lib/core/tokens/refresh-token.codec';
import { safeEqual } from '../../../lib/features/oauth/pkce';

/**
 * What these tests prove, and what they do not: that every comparison of a presented secret, MAC or hash with the
 * expected one reaches `crypto.timingSafeEqual` with the two values (so a regression to `===`, `Buffer.equals` or
 * an early-exit loop at any of these sites fails here). They do not measure timing; `timingSafeEqual` is trusted
 * to be constant-time.
 */
describe('constantTimeEqual', () => {
  it('is equality of strings, false for different lengths or a missing side', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual('ab', 'abc')).toBe(false);
    expect(constantTimeEqual(undefined, 'abc')).toBe(false);
    expect(constantTimeEqual('abc', undefined)).toBe(false);
    expect(constantTimeEqual(undefined, undefined)).toBe(false);
    // Same length in UTF-16, different in UTF-8: compared as bytes, never equal.
    expect(constantTimeEqual('é', 'e')).toBe(false);
    expect(constantTimeEqual('é', 'é')).toBe(true);
  });

  it('is the helper the OAuth state binding uses', () => {
    expect(safeEqual).toBe(constantTimeEqual);
  });
});

describe('every secret comparison goes through timingSafeEqual', () => {
  let spy: jest.SpyInstance;
  beforeEach(() => {
    spy = jest.spyOn(crypto, 'timingSafeEqual');
  });
  afterEach(() => spy.mockRestore());

  /** The (text) pairs timingSafeEqual was called with since the spy was set. */
  const compared = () => spy.mock.calls.map(([a, b]) => [Buffer.from(a as Buffer).toString(), Buffer.from(b as Buffer).toString()]);

  it('constantTimeEqual itself (same length)', () => {
    constantTimeEqual('abc', 'abd');
    expect(compared()).toEqual([['abc', 'abd']]);
  });

  it('the refresh-token MAC, on every parse', () => {
    const codec = new RefreshTokenCodec(Buffer.alloc(32, 7));
    const { refreshToken } = codec.issue('user-1');
    spy.mockClear();
    codec.parse(refreshToken);
    const mac = refreshToken.split('.')[3];
    expect(compared()).toEqual([[mac, mac]]);
    spy.mockClear();
    const forged = `${refreshToken.slice(0, -1)}${refreshToken.endsWith('A') ? 'B' : 'A'}`;
    expect(() => codec.parse(forged)).toThrow();
    expect(compared()).toEqual([[forged.split('.')[3], mac]]);
  });

  it('the session hashes of the memory session store (current, previous and the duplicate check)', async () => {
    const store = new MemorySessionStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000, reuseWindowMs: 5000, maxSessionsPerUser: 10 });
    try {
      const [h1, h2, h3] = ['a'.repeat(43), 'b'.repeat(43), 'c'.repeat(43)];
      await store.create({ userId: 'u', sessionId: 's', secretHash: h1, credentialVersion: 0 });
      spy.mockClear();
      expect((await store.rotate({ userId: 'u', sessionId: 's', presentedHash: h1, nextHash: h2, credentialVersion: 0 })).status).toBe('rotated');
      expect(compared()).toEqual([[h1, h1]]);
      spy.mockClear();
      expect((await store.rotate({ userId: 'u', sessionId: 's', presentedHash: h1, nextHash: h2, credentialVersion: 0 })).status).toBe('duplicate');
      expect(compared()).toEqual([[h2, h1], [h1, h1], [h2, h2]]);
      spy.mockClear();
      expect((await store.rotate({ userId: 'u', sessionId: 's', presentedHash: h3, nextHash: h1, credentialVersion: 0 })).status).toBe('reused');
      expect(compared()).toEqual([[h2, h3], [h1, h3]]);
    } finally {
      store.close();
    }
  });

  it('one-time tokens: the stored hash against the presented one (memory store)', async () => {
    const store = new MemoryOneTimeTokenStore();
    const minted = mintOneTimeToken('password_reset', 'user-2');
    await store.issue({ kind: 'password_reset', userId: 'user-2', hash: minted.hash, binding: 'b', ttlMs: 60_000 });
    const presented = parseOneTimeToken('password_reset', minted.token);
    spy.mockClear();
    expect(await store.consume({ kind: 'password_reset', userId: 'user-2', hash: presented!.hash })).toEqual({ binding: 'b' });
    expect(compared()).toEqual([[minted.hash, minted.hash]]);
  });
});
