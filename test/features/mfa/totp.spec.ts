import { MemoryMfaFactorStore } from '../../../lib/features/mfa/memory-mfa.stores';
import { base32Decode, base32Encode, hotp, matchTotp, otpauthUrl, totpCode, totpStep } from '../../../lib/features/mfa/totp';
import { MfaSecretCipher, encryptionKeyBytes } from '../../../lib/features/mfa/mfa-secret.cipher';
import { newRecoveryCodes, recoveryCodeHash } from '../../../lib/features/mfa/recovery-codes';
import { newMfaToken, parseMfaToken } from '../../../lib/features/mfa/mfa-token';
import { resolveMfaOptions } from '../../../lib/features/mfa/mfa.options';

/** RFC 6238 appendix B: the SHA-1 seed and its 8-digit codes at these times (seconds). */
const RFC6238_SHA1: Array<[number, string]> = [
  [59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'], [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130'],
];
const SEED = Buffer.from('12345678901234567890', 'ascii');

describe('TOTP (RFC 6238 / RFC 4226)', () => {
  it.each(RFC6238_SHA1)('matches the RFC 6238 SHA-1 vector at T=%i', (seconds, expected) => {
    expect(hotp(SEED, totpStep(seconds * 1000), 8)).toBe(expected);
    // The 6-digit code is the last 6 digits of the same value (dynamic truncation mod 10^6).
    expect(totpCode(SEED, seconds * 1000)).toBe(expected.slice(2));
  });

  it('matches the RFC 4226 appendix D HOTP values', () => {
    const values = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    values.forEach((value, counter) => expect(hotp(SEED, counter)).toBe(value));
  });

  it('base32 round-trips and decodes the RFC 4648 vectors', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI======')?.toString()).toBe('foobar');
    expect(base32Decode('mzxw 6ytb oi')?.toString()).toBe('foobar');
    expect(base32Decode('MZXW1')).toBeNull();
    const secret = Buffer.from('00112233445566778899aabbccddeeff01234567', 'hex');
    expect(base32Decode(base32Encode(secret))).toEqual(secret);
  });

  it('accepts the steps of the window only ([-1, 0] by default), the latest matching one', () => {
    const now = 1_700_000_015_000;
    const step = totpStep(now);
    expect(matchTotp(SEED, hotp(SEED, step), now)).toBe(step);
    expect(matchTotp(SEED, hotp(SEED, step - 1), now)).toBe(step - 1);
    expect(matchTotp(SEED, hotp(SEED, step - 2), now)).toBeNull();
    expect(matchTotp(SEED, hotp(SEED, step + 1), now)).toBeNull();
    expect(matchTotp(SEED, hotp(SEED, step + 1), now, [-1, 0, 1])).toBe(step + 1);
    expect(matchTotp(SEED, '12345', now)).toBeNull();
    expect(matchTotp(SEED, 'abcdef', now)).toBeNull();
  });

  it('builds the otpauth:// URI authenticator apps read', () => {
    const url = new URL(otpauthUrl('JBSWY3DPEHPK3PXP', 'Acme Co', 'ann@example.com'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Acme Co:ann@example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({ secret: 'JBSWY3DPEHPK3PXP', issuer: 'Acme Co', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});

describe('MfaSecretCipher (AES-256-GCM, key ring)', () => {
  const k1 = { id: 'k1', key: Buffer.alloc(32, 1) };
  const k2 = { id: 'k2', key: Buffer.alloc(32, 2) };
  const secret = Buffer.from('a secret of twenty b');

  it('encrypts under the first key (named in the text), decrypts under any key of the ring, for the same user only', () => {
    const old = new MfaSecretCipher([k1]);
    const text = old.encrypt(secret, 'u1');
    expect(text).toMatch(/^v1\.k1\./);
    expect(text).not.toContain(secret.toString('base64url'));
    expect(old.decrypt(text, 'u1')).toEqual(secret);
    expect(old.decrypt(text, 'u2')).toBeNull();
    const rotated = new MfaSecretCipher([k2, k1]);
    expect(rotated.decrypt(text, 'u1')).toEqual(secret);
    expect(rotated.isStale(text)).toBe(true);
    expect(rotated.encrypt(secret, 'u1')).toMatch(/^v1\.k2\./);
    expect(new MfaSecretCipher([k2]).decrypt(text, 'u1')).toBeNull();
  });

  it('refuses a tampered ciphertext and every malformed text', () => {
    const cipher = new MfaSecretCipher([k1]);
    const parts = cipher.encrypt(secret, 'u1').split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    expect(cipher.decrypt([...parts.slice(0, 3), body.toString('base64url'), parts[4]].join('.'), 'u1')).toBeNull();
    for (const bad of ['', 'v1.k1', 'v2.k1.a.b.c', 'v1.k1.!!.b.c']) expect(cipher.decrypt(bad, 'u1')).toBeNull();
  });

  it('takes keys as a Buffer, hex or base64 of 32 bytes, nothing else', () => {
    expect(encryptionKeyBytes('00'.repeat(32), 'k')).toHaveLength(32);
    expect(encryptionKeyBytes(Buffer.alloc(32).toString('base64'), 'k')).toHaveLength(32);
    expect(() => encryptionKeyBytes('short', 'mfa.encryptionKeys[0].key')).toThrow(/mfa\.encryptionKeys\[0\]\.key/);
    expect(() => encryptionKeyBytes(Buffer.alloc(16), 'k')).toThrow(TypeError);
  });
});

describe('recovery codes, MFA tokens, options', () => {
  it('makes 10 distinct codes of 120 bits, stored as SHA-256, matched whatever the case and dashes', () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){5}$/);
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(recoveryCodeHash(codes[0].toUpperCase().replace(/-/g, ' '))).toBe(hashes[0]);
    expect(recoveryCodeHash('not-a-code')).toBeNull();
  });

  it('MFA tokens carry the user id and 256 random bits; anything else does not parse', () => {
    const { token, hash } = newMfaToken('user:1');
    expect(parseMfaToken(token)).toEqual({ userId: 'user:1', hash });
    expect(parseMfaToken(`${token}x`)).toBeNull();
    expect(parseMfaToken('abc')).toBeNull();
    expect(parseMfaToken(42)).toBeNull();
  });

  it('validates the mfa options (off without them; keys, window, requirement checked)', () => {
    expect(resolveMfaOptions(undefined).enabled).toBe(false);
    const resolved = resolveMfaOptions({ encryptionKeys: [{ id: 'a', key: '11'.repeat(32) }], required: { roles: ['admin'] } });
    expect(resolved).toMatchObject({ enabled: true, totpWindow: [-1, 0], challengeTtlSeconds: 300, maxAttemptsPerChallenge: 5, required: { roles: ['admin'] } });
    expect(() => resolveMfaOptions({ encryptionKeys: [] })).toThrow(/mfa\.encryptionKeys/);
    expect(() => resolveMfaOptions({ encryptionKeys: [{ id: 'a', key: '11'.repeat(32) }], totpWindow: [5] })).toThrow(/mfa\.totpWindow/);
    expect(() => resolveMfaOptions({ encryptionKeys: [{ id: 'a', key: '11'.repeat(32) }], issuer: 'x', typo: 1 } as never)).toThrow(/mfa\.typo/);
    expect(() => resolveMfaOptions({ encryptionKeys: [{ id: 'a', key: '11'.repeat(32) }, { id: 'a', key: '22'.repeat(32) }] })).toThrow(/\.id/);
    // factorStore: the app's own store (an instance with every method), or the default.
    const store = new MemoryMfaFactorStore();
    expect(resolveMfaOptions({ encryptionKeys: [{ id: 'a', key: '11'.repeat(32) }], factorStore: store }).factorStore).toBe(store);
    expect(resolved.factorStore).toBeUndefined();
    expect(() => resolveMfaOptions({ encryptionKeys: [{ id: 'a', key: '11'.repeat(32) }], factorStore: { factors: () => null } as never }))
      .toThrow(/mfa\.factorStore.*missing: savePendingTotp, confirmTotp, acceptStep, useRecoveryCode, replaceRecoveryCodes, removeAll/);
    expect(() => resolveMfaOptions({ encryptionKeys: [{ id: 'a', key: '11'.repeat(32) }], factorStore: MemoryMfaFactorStore as never })).toThrow(/mfa\.factorStore/);
  });
});
