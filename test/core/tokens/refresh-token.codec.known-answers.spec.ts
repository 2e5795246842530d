import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { RefreshTokenInvalidError } from '../../../lib/core/errors/auth.errors';
import { RefreshTokenCodec, REFRESH_TOKEN_KEY_MIN_BYTES, deriveRefreshTokenKey } from '../../../lib/core/tokens/refresh-token.codec';

/**
 * The refresh-token format (v2) as refresh-token.codec.ts documents it. `signed` builds a token with a valid MAC
 * from the documented derivation, so the format checks are tested on their own (a MAC check alone would hide a
 * dropped length or alphabet check), and the known answers pin the format: tokens a deployed version minted must
 * still parse, and chain to the same next token, after an upgrade.
 */
const KEY = Buffer.alloc(32, 7);
const MAC_KEY = Buffer.from(hkdfSync('sha256', KEY, '', 'authkit refresh token mac', 32));
const signed = (userPart: string, sessionId: string, secret: string): string =>
  `${userPart}.${sessionId}.${secret}.${createHmac('sha256', MAC_KEY).update(`${userPart}.${sessionId}.${secret}`).digest().subarray(0, 16).toString('base64url')}`;
const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64url');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

const SESSION = 'S'.repeat(22);
const SECRET = 'x'.repeat(43);
const KNOWN = 'dXNlci0x.SSSSSSSSSSSSSSSSSSSSSS.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.PljanIBfrDj-xDogTUEQ_g';
const KNOWN_NEXT = 'dXNlci0x.SSSSSSSSSSSSSSSSSSSSSS.W_Weaj5B0z9Otgit2TTS-IouOQa_l0NhnTZF-NJFliY.asdvAPBbJILIrNzUh08rtA';

describe('RefreshTokenCodec', () => {
  // A new codec per test: its key derivation runs inside each test, not once while the file loads.
  let codec: RefreshTokenCodec;
  beforeEach(() => {
    codec = new RefreshTokenCodec(KEY);
  });
  const invalid = (token: unknown) => expect(() => codec.parse(token)).toThrow(RefreshTokenInvalidError);

  it('derives its server key from the HS secret with HKDF (known answer): every instance sharing the secret agrees', () => {
    expect(REFRESH_TOKEN_KEY_MIN_BYTES).toBe(32);
    const key = deriveRefreshTokenKey(Buffer.from('a-jwt-secret-of-some-length-0123456789'));
    expect(key.toString('base64url')).toBe('fTef8Ql2dCJjX6PpUSqrtsTHAvIVFdIXOfrAlR2Y1j0');
  });

  it('refuses a server key shorter than 32 bytes and accepts one of exactly 32', () => {
    expect(() => new RefreshTokenCodec(Buffer.alloc(31, 1))).toThrow(/refresh-token key is too short/);
    expect(() => new RefreshTokenCodec(Buffer.alloc(32, 1))).not.toThrow();
  });

  it('issues <base64url(user)>.<22-char session id>.<43-char random secret>.<22-char MAC>, storing only the hash', () => {
    const first = codec.issue('user-1');
    const [userPart, sessionId, secret, mac] = first.refreshToken.split('.');
    expect(userPart).toBe(b64('user-1'));
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.refreshToken).toBe(signed(userPart, sessionId, secret));
    expect(mac).toHaveLength(22);
    expect(first).toEqual({ refreshToken: first.refreshToken, userId: 'user-1', sessionId, secretHash: sha256(secret) });
    const second = codec.issue('user-1');
    expect(second.sessionId).not.toBe(sessionId);
    expect(second.secretHash).not.toBe(first.secretHash);
    expect(codec.parse(first.refreshToken)).toEqual({ userId: 'user-1', sessionId, secretHash: sha256(secret) });
  });

  it('parses a token minted by an earlier version and chains it to the same next token (known answers)', () => {
    expect(signed(b64('user-1'), SESSION, SECRET)).toBe(KNOWN);
    const parsed = codec.parse(KNOWN);
    expect(parsed).toEqual({ userId: 'user-1', sessionId: SESSION, secretHash: sha256(SECRET) });
    const next = codec.next(parsed);
    expect(next.refreshToken).toBe(KNOWN_NEXT);
    expect(next).toEqual({ refreshToken: KNOWN_NEXT, userId: 'user-1', sessionId: SESSION, secretHash: sha256(KNOWN_NEXT.split('.')[2]) });
    expect(codec.parse(KNOWN_NEXT)).toEqual({ userId: 'user-1', sessionId: SESSION, secretHash: next.secretHash });
  });

  it('derives the next secret from user, session and secret hash: the duplicates of one refresh agree, nothing else does', () => {
    const parsed = codec.parse(KNOWN);
    expect(codec.next(parsed)).toEqual(codec.next({ ...parsed }));
    const nexts = [
      codec.next({ ...parsed, secretHash: sha256('y'.repeat(43)) }),
      codec.next({ ...parsed, sessionId: 'T'.repeat(22) }),
      codec.next({ ...parsed, userId: 'user-2' }),
      new RefreshTokenCodec(Buffer.alloc(32, 8)).next(parsed),
    ].map((token) => token.refreshToken.split('.')[2]);
    expect(new Set([KNOWN_NEXT.split('.')[2], ...nexts]).size).toBe(5);
  });

  it('refuses a token whose MAC does not verify (another key, another part, a changed MAC)', () => {
    invalid(new RefreshTokenCodec(Buffer.alloc(32, 8)).issue('user-1').refreshToken);
    const [userPart, sessionId, secret, mac] = KNOWN.split('.');
    invalid(`${userPart}.${sessionId}.${'y'.repeat(43)}.${mac}`);
    invalid(`${userPart}.${'T'.repeat(22)}.${secret}.${mac}`);
    invalid(`${b64('user-2')}.${sessionId}.${secret}.${mac}`);
    invalid(`${userPart}.${sessionId}.${secret}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`);
  });

  it('refuses anything but a string of four parts', () => {
    for (const token of [undefined, null, 42, {}, [KNOWN], '']) invalid(token);
    invalid(KNOWN.split('.').slice(0, 3).join('.'));
    invalid(`${KNOWN}.extra`);
    invalid(`x.${KNOWN}`);
  });

  it('refuses parts of the wrong length or alphabet, even under a valid MAC', () => {
    const user = b64('user-1');
    invalid(signed('', SESSION, SECRET));
    invalid(signed(user, SESSION.slice(1), SECRET));
    invalid(signed(user, `${SESSION}S`, SECRET));
    invalid(signed(user, SESSION, SECRET.slice(1)));
    invalid(signed(user, SESSION, `${SECRET}x`));
    invalid(`${signed(user, SESSION, SECRET)}A`);
    invalid(signed(user, SESSION, SECRET).slice(0, -1));
    invalid(signed(`${user.slice(0, -1)}+`, SESSION, SECRET));
    invalid(signed(user, `${SESSION.slice(1)}=`, SECRET));
    invalid(signed(user, SESSION, `${SECRET.slice(1)}/`));
    const token = signed(user, SESSION, SECRET);
    invalid(`${token.slice(0, -1)}*`);
  });

  it('accepts user ids up to 256 bytes and refuses longer ones, empty ones and non-canonical spellings', () => {
    const longest = 'é'.repeat(128);
    expect(Buffer.byteLength(longest)).toBe(256);
    expect(codec.parse(codec.issue(longest).refreshToken).userId).toBe(longest);
    expect(codec.parse(signed(b64(longest), SESSION, SECRET)).userId).toBe(longest);
    expect(() => codec.issue(`${longest}a`)).toThrow(/user ids must be non-empty strings of at most 256 bytes/);
    expect(() => codec.issue('')).toThrow(/user ids must be/);
    expect(() => codec.issue(42 as unknown as string)).toThrow(/user ids must be/);
    invalid(signed(b64(`${longest}a`), SESSION, SECRET));
    invalid(signed(b64('a'.repeat(258)), SESSION, SECRET));
    // 'A' decodes to no byte at all: an empty user id.
    invalid(signed('A', SESSION, SECRET));
    // 'QR' decodes to 'A' like the canonical 'QQ': one token, one spelling.
    expect(codec.parse(signed('QQ', SESSION, SECRET)).userId).toBe('A');
    invalid(signed('QR', SESSION, SECRET));
    // Bytes that are not UTF-8 do not survive the round trip either.
    invalid(signed(b64(Buffer.from([0xff, 0xfe])), SESSION, SECRET));
  });

  it('refuses a token longer than the longest one it can mint', () => {
    invalid(signed('a'.repeat(400), SESSION, SECRET));
    invalid('a'.repeat(5000));
  });
});
