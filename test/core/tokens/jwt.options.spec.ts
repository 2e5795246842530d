import { JWT_ALGORITHMS, resolveJwtOptions, type TokenOptions } from '../../../lib/core/tokens/jwt.options';

/** `resolveJwtOptions` on its own: the defaults of the `jwt` option and what it refuses at start-up, naming the option. */
const SECRET = 's'.repeat(32);

function refusal(options: unknown): string {
  try {
    resolveJwtOptions(options as TokenOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as TypeError).message;
  }
  throw new Error('resolveJwtOptions accepted the options');
}

describe('resolveJwtOptions', () => {
  it('applies the defaults: HS256, issuer and audience nestjs-authkit, 5 s clock tolerance, 15 min access tokens, no refresh key', () => {
    const resolved = resolveJwtOptions({ jwt: { secret: SECRET } });
    expect(resolved).toEqual({
      secret: SECRET, algorithm: 'HS256', issuer: 'nestjs-authkit', audience: 'nestjs-authkit', clockToleranceSeconds: 5,
      accessTokenTtlSeconds: 900, refreshTokenKey: undefined,
    });
  });

  it('keeps what is configured (and the key options as given)', () => {
    const verificationKeys = [{ keyId: 'old', algorithm: 'HS256' as const, key: 'o'.repeat(32) }];
    const resolved = resolveJwtOptions({
      jwt: { algorithm: 'HS512', secret: SECRET, keyId: 'k1', verificationKeys, issuer: 'me', audience: 'you', clockToleranceSeconds: 0 },
      accessTokenTtlSeconds: 60,
    });
    expect(resolved).toMatchObject({ algorithm: 'HS512', secret: SECRET, keyId: 'k1', issuer: 'me', audience: 'you', clockToleranceSeconds: 0, accessTokenTtlSeconds: 60 });
    expect(resolved.verificationKeys).toBe(verificationKeys);
    expect(resolveJwtOptions({ jwt: { secret: SECRET, clockToleranceSeconds: 2.5 } }).clockToleranceSeconds).toBe(2.5);
  });

  it('requires the jwt object', () => {
    for (const jwt of [undefined, null, 'secret', 32]) {
      expect(refusal({ jwt })).toBe('nestjs-authkit: option "jwt" is required (at least { secret })');
    }
    expect(refusal({ jwt: [] })).toBe('nestjs-authkit: option "jwt" must be an object');
  });

  it('refuses unknown keys of jwt and of each verification key, naming them', () => {
    expect(refusal({ jwt: { secret: SECRET, algorithms: ['HS256'] } })).toBe('nestjs-authkit: option "jwt.algorithms" is not an option of nestjs-authkit (a typo?)');
    expect(refusal({ jwt: { secret: SECRET, verificationKeys: [{ keyId: 'a', algorithm: 'HS256', key: SECRET }, { keyId: 'b', algorithm: 'HS256', key: SECRET, alg: 'x' }] } }))
      .toBe('nestjs-authkit: option "jwt.verificationKeys[1].alg" is not an option of nestjs-authkit (a typo?)');
    for (const key of ['constructor', 'toString']) {
      expect(refusal({ jwt: { secret: SECRET, [key]: 1 } })).toBe(`nestjs-authkit: option "jwt.${key}" is not an option of nestjs-authkit (a typo?)`);
    }
    // not an array: left to createSigningKeys, not a crash here
    expect(resolveJwtOptions({ jwt: { secret: SECRET, verificationKeys: undefined } }).verificationKeys).toBeUndefined();
  });

  it('accepts the twelve algorithms of jsonwebtoken, refuses none and EdDSA (with its reason)', () => {
    expect([...JWT_ALGORITHMS]).toEqual(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']);
    for (const algorithm of JWT_ALGORITHMS) expect(resolveJwtOptions({ jwt: { algorithm, secret: SECRET } }).algorithm).toBe(algorithm);
    expect(refusal({ jwt: { algorithm: 'EdDSA', secret: SECRET } })).toBe(
      'nestjs-authkit: option "jwt.algorithm" cannot be EdDSA: access tokens are signed and verified by jsonwebtoken 9, which has no EdDSA; use ES256 (or RS256 / PS256)',
    );
    for (const algorithm of ['none', 'hs256', 'HS1024', 5]) {
      expect(refusal({ jwt: { algorithm, secret: SECRET } })).toBe(`nestjs-authkit: option "jwt.algorithm" must be one of ${JWT_ALGORITHMS.join(', ')} (got ${JSON.stringify(algorithm)})`);
    }
  });

  it('refreshTokenKey: a string (UTF-8 bytes) or a Buffer (copied) of at least 32 bytes', () => {
    expect(resolveJwtOptions({ jwt: { secret: SECRET }, refreshTokenKey: 'r'.repeat(32) }).refreshTokenKey).toEqual(Buffer.from('r'.repeat(32)));
    expect(resolveJwtOptions({ jwt: { secret: SECRET }, refreshTokenKey: 'é'.repeat(16) }).refreshTokenKey).toEqual(Buffer.from('é'.repeat(16), 'utf8'));
    const given = Buffer.alloc(32, 9);
    const copied = resolveJwtOptions({ jwt: { secret: SECRET }, refreshTokenKey: given }).refreshTokenKey;
    expect(copied).toEqual(given);
    given.fill(0);
    expect(copied).toEqual(Buffer.alloc(32, 9));
    for (const short of ['r'.repeat(31), Buffer.alloc(31), 'é'.repeat(15) + 'a']) {
      expect(refusal({ jwt: { secret: SECRET }, refreshTokenKey: short })).toBe('nestjs-authkit: option "refreshTokenKey" must be at least 32 bytes');
    }
    for (const wrong of [32, null, { key: 'r'.repeat(32) }]) {
      expect(refusal({ jwt: { secret: SECRET }, refreshTokenKey: wrong })).toBe('nestjs-authkit: option "refreshTokenKey" must be a string or a Buffer');
    }
  });

  it('refuses a negative or non-finite clock tolerance and a bad access token lifetime', () => {
    expect(refusal({ jwt: { secret: SECRET, clockToleranceSeconds: -1 } })).toBe('nestjs-authkit: option "jwt.clockToleranceSeconds" must be a non-negative number (got -1)');
    expect(refusal({ jwt: { secret: SECRET, clockToleranceSeconds: '5' } })).toContain('option "jwt.clockToleranceSeconds" must be a non-negative number');
    expect(refusal({ jwt: { secret: SECRET }, accessTokenTtlSeconds: 0 })).toBe('nestjs-authkit: option "accessTokenTtlSeconds" must be a positive integer (got 0)');
    expect(refusal({ jwt: { secret: SECRET }, accessTokenTtlSeconds: 1.5 })).toBe('nestjs-authkit: option "accessTokenTtlSeconds" must be a positive integer (got 1.5)');
  });
});
