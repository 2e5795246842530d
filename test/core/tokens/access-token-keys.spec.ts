import { generateKeyPairSync } from 'node:crypto';
import { AccessTokenInvalidError } from '../../../lib/core/errors/auth.errors';
import { AccessTokenKeys, isCanonicalBase64url } from '../../../lib/core/tokens/access-token-keys';
import type { ResolvedJwtOptions } from '../../../lib/core/tokens/jwt.options';
import { createSigningKeys } from '../../../lib/core/tokens/signing-keys';

/**
 * The choice of a token's key from its header (`AccessTokenKeys.keyFor`), on its own: `typ` at+jwt, a configured
 * `kid`, that key's one algorithm, no header naming key material; and the canonical base64url test.
 */
const es = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwt: ResolvedJwtOptions = {
  algorithm: 'ES256', privateKey: es.privateKey, keyId: 'current', issuer: 'the-issuer', audience: 'the-audience', clockToleranceSeconds: 7,
  accessTokenTtlSeconds: 900, verificationKeys: [{ keyId: 'old', algorithm: 'HS384', key: 'o'.repeat(48) }],
};

function segment(header: unknown): string {
  return Buffer.from(typeof header === 'string' ? header : JSON.stringify(header)).toString('base64url');
}

function keys(): AccessTokenKeys {
  return new AccessTokenKeys(createSigningKeys(jwt), jwt);
}

const GOOD = { alg: 'ES256', typ: 'at+jwt', kid: 'current' };

describe('isCanonicalBase64url', () => {
  it('accepts base64url in its one unpadded spelling', () => {
    for (const s of ['AAAA', 'AA', 'AQ', 'Ag', 'AAA', 'AAE', 'AA8', 'ab-_', 'eyJhbGciOiJFUzI1NiJ9']) expect(isCanonicalBase64url(s)).toBe(true);
  });

  it('refuses the empty string, other alphabets, padding, an impossible length and set unused bits', () => {
    for (const s of ['', 'AA==', 'AB+/', 'A/AA', 'A', 'AAAAA', 'AB', 'AR', 'Af', 'AAB', 'AAC', 'AAD', 'AA_', ' AAA', 'AAA\n']) expect(isCanonicalBase64url(s)).toBe(false);
  });
});

describe('AccessTokenKeys', () => {
  it('pins each configured key to its one algorithm, with the issuer, audience and clock tolerance (frozen)', () => {
    const ring = keys();
    const current = ring.keyFor(segment(GOOD));
    expect(current.key.keyId).toBe('current');
    expect(current.key.algorithm).toBe('ES256');
    expect(current.key.key.type).toBe('public');
    expect(current.verifyOptions).toEqual({ algorithms: ['ES256'], issuer: 'the-issuer', audience: 'the-audience', clockTolerance: 7 });
    expect(Object.isFrozen(current.verifyOptions)).toBe(true);
    const old = ring.keyFor(segment({ alg: 'HS384', typ: 'at+jwt', kid: 'old' }));
    expect(old.key.keyId).toBe('old');
    expect(old.key.key.type).toBe('secret');
    expect(old.verifyOptions).toEqual({ algorithms: ['HS384'], issuer: 'the-issuer', audience: 'the-audience', clockTolerance: 7 });
  });

  it('accepts typ at+jwt and application/at+jwt, in any case', () => {
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT']) {
      expect(keys().keyFor(segment({ ...GOOD, typ })).key.keyId).toBe('current');
    }
  });

  it('refuses another or a missing typ, an unknown or non-string kid, and an alg other than the key\'s (none, HS with an asymmetric kid)', () => {
    const refused = [
      { ...GOOD, typ: 'JWT' }, { ...GOOD, typ: 'at+jwt ' }, { ...GOOD, typ: ['at+jwt'] }, { alg: 'ES256', kid: 'current' },
      { ...GOOD, kid: 'unknown' }, { ...GOOD, kid: undefined }, { ...GOOD, kid: ['current'] }, { ...GOOD, kid: 'toString' },
      { ...GOOD, alg: 'none' }, { ...GOOD, alg: 'HS256' }, { ...GOOD, alg: 'ES384' }, { typ: 'at+jwt', kid: 'current' },
      { alg: 'ES256', typ: 'at+jwt', kid: 'old' }, { alg: 'HS256', typ: 'at+jwt', kid: 'old' },
    ];
    for (const header of refused) expect(() => keys().keyFor(segment(header))).toThrow(AccessTokenInvalidError);
  });

  it('refuses headers that would name key material (jku, jwk, x5u, x5c, crit), even empty', () => {
    for (const name of ['jku', 'jwk', 'x5u', 'x5c', 'crit']) {
      for (const value of [null, '', 'https://attacker.example/jwks', []]) {
        expect(() => keys().keyFor(segment({ ...GOOD, [name]: value }))).toThrow(AccessTokenInvalidError);
      }
    }
    expect(keys().keyFor(segment({ ...GOOD, x5t: 'thumbprint', cty: 'x' })).key.keyId).toBe('current');
  });

  it('refuses a header that is not a JSON object', () => {
    for (const header of ['not json', 'null', '[]', '"at+jwt"', '42', 'true', '{"typ":"at+jwt"']) {
      expect(() => keys().keyFor(segment(header))).toThrow(AccessTokenInvalidError);
    }
  });

  it('reads a header segment of up to 1024 characters', () => {
    const padded = (length: number) => {
      const base = JSON.stringify({ ...GOOD, pad: '' });
      return segment({ ...GOOD, pad: 'p'.repeat((length * 3) / 4 - base.length) });
    };
    expect(padded(1024)).toHaveLength(1024);
    expect(keys().keyFor(padded(1024)).key.keyId).toBe('current');
    expect(padded(1028)).toHaveLength(1028);
    expect(() => keys().keyFor(padded(1028))).toThrow(AccessTokenInvalidError);
  });

  it('remembers accepted headers (the same pinned key), 64 at most; a refused header is never remembered', () => {
    const ring = keys();
    const first = ring.keyFor(segment(GOOD));
    expect(ring.keyFor(segment(GOOD))).toBe(first);
    const remembered = (ring as unknown as { acceptedHeaders: Map<string, unknown> }).acceptedHeaders;
    expect(remembered.size).toBe(1);
    for (let i = 0; i < 100; i++) expect(ring.keyFor(segment({ ...GOOD, n: i })).key.keyId).toBe('current');
    expect(remembered.size).toBe(64);
    // past the bound it still answers (uncached), and refusals are never cached
    expect(ring.keyFor(segment({ ...GOOD, n: 1000 })).key.keyId).toBe('current');
    for (let i = 0; i < 3; i++) expect(() => ring.keyFor(segment({ ...GOOD, kid: 'unknown' }))).toThrow(AccessTokenInvalidError);
    const fresh = keys();
    expect(() => fresh.keyFor(segment({ ...GOOD, kid: 'unknown' }))).toThrow(AccessTokenInvalidError);
    expect((fresh as unknown as { acceptedHeaders: Map<string, unknown> }).acceptedHeaders.size).toBe(0);
  });
});
