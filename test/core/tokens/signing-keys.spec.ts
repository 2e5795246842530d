import { createHash, createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject, type KeyPairKeyObjectResult, type RSAPSSKeyPairKeyObjectOptions } from 'node:crypto';
import type { JwtAlgorithm, ResolvedJwtOptions } from '../../../lib/core/tokens/jwt.options';
import { createSigningKeys } from '../../../lib/core/tokens/signing-keys';

/**
 * `createSigningKeys` on its own (TokenService builds it at start-up, so a broken key check there fails a whole
 * spec file instead of a test): which algorithms and keys it accepts, the exact start-up errors naming the
 * option, the `kid` it derives, and the verification ring. Real RSA / RSA-PSS / EC / HMAC KeyObjects.
 */
const SECRET_32 = 'k'.repeat(32);

function options(jwt: Partial<ResolvedJwtOptions>): ResolvedJwtOptions {
  return { algorithm: 'HS256', issuer: 'nestjs-authkit', audience: 'nestjs-authkit', clockToleranceSeconds: 5, accessTokenTtlSeconds: 900, ...jwt };
}

/** The `TypeError` `createSigningKeys` throws for these options (fails the test when it throws nothing or something else). */
function refusal(jwt: Partial<ResolvedJwtOptions>): TypeError {
  try {
    createSigningKeys(options(jwt));
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
  throw new Error('createSigningKeys accepted the options');
}

function message(jwt: Partial<ResolvedJwtOptions>): string {
  return refusal(jwt).message;
}

function spkiKid(key: KeyObject): string {
  return createHash('sha256').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 16);
}

/** An RSA-PSS key pair (@types/node declares `saltLength` as a string; Node takes a number). */
function rsaPss(options: { modulusLength: number; hashAlgorithm?: string; mgf1HashAlgorithm?: string; saltLength?: number }): KeyPairKeyObjectResult {
  return generateKeyPairSync('rsa-pss', options as unknown as RSAPSSKeyPairKeyObjectOptions);
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaOther = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pss256 = rsaPss({ modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256', saltLength: 32 });
const pss384 = rsaPss({ modulusLength: 2048, hashAlgorithm: 'sha384', mgf1HashAlgorithm: 'sha384', saltLength: 48 });
const pssNoParameters = rsaPss({ modulusLength: 2048 });
const pssOtherMgf1 = rsaPss({ modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha384', saltLength: 32 });
const pssOtherHash = rsaPss({ modulusLength: 2048, hashAlgorithm: 'sha384', mgf1HashAlgorithm: 'sha256', saltLength: 32 });
const pssLongSalt = rsaPss({ modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256', saltLength: 33 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const ALLOWED = 'must be HS256/384/512, RS256/384/512, PS256/384/512 or ES256/384/512';

describe('createSigningKeys: the algorithm', () => {
  it('refuses EdDSA with its own reason, naming the option', () => {
    expect(message({ algorithm: 'EdDSA' as JwtAlgorithm, privateKey: p256.privateKey })).toBe(
      'nestjs-authkit: option "jwt.algorithm" cannot be EdDSA: access tokens are signed and verified by jsonwebtoken 9, which has no EdDSA; use ES256 (or RS256 / PS256)',
    );
  });

  it('refuses none, look-alikes and non-strings, quoting what it got', () => {
    for (const algorithm of ['none', 'HS128', 'HS256 ', ' HS256', 'xHS256', 'HS2560', 'hs256', 'RS1024', 'ES', '']) {
      expect(message({ algorithm: algorithm as JwtAlgorithm, secret: SECRET_32 })).toBe(`nestjs-authkit: option "jwt.algorithm" ${ALLOWED} (got ${JSON.stringify(algorithm)})`);
    }
    expect(message({ algorithm: 256 as unknown as JwtAlgorithm, secret: SECRET_32 })).toBe(`nestjs-authkit: option "jwt.algorithm" ${ALLOWED} (got 256)`);
    expect(message({ algorithm: undefined as unknown as JwtAlgorithm, secret: SECRET_32 })).toBe(`nestjs-authkit: option "jwt.algorithm" ${ALLOWED} (got undefined)`);
    // an array whose string form is an algorithm name is still not a string
    expect(message({ algorithm: ['HS256'] as unknown as JwtAlgorithm, secret: SECRET_32 })).toBe(`nestjs-authkit: option "jwt.algorithm" ${ALLOWED} (got ["HS256"])`);
  });

  it('accepts each of the twelve algorithms with a fitting key, and signs with exactly that algorithm', () => {
    const fitting: Array<[JwtAlgorithm, Partial<ResolvedJwtOptions>]> = [
      ['HS256', { secret: 'a'.repeat(32) }], ['HS384', { secret: 'a'.repeat(48) }], ['HS512', { secret: 'a'.repeat(64) }],
      ['RS256', { privateKey: rsa.privateKey }], ['RS384', { privateKey: rsa.privateKey }], ['RS512', { privateKey: rsa.privateKey }],
      ['PS256', { privateKey: rsa.privateKey }], ['PS384', { privateKey: pss384.privateKey }], ['PS512', { privateKey: rsa.privateKey }],
      ['ES256', { privateKey: p256.privateKey }], ['ES384', { privateKey: p384.privateKey }], ['ES512', { privateKey: p521.privateKey }],
    ];
    for (const [algorithm, keys] of fitting) {
      const { signing, verification } = createSigningKeys(options({ algorithm, ...keys }));
      expect(signing.algorithm).toBe(algorithm);
      expect(verification.get(signing.keyId)?.algorithm).toBe(algorithm);
    }
  });
});

describe('createSigningKeys: HMAC secrets', () => {
  it('requires the secret (undefined, null or empty), naming the algorithm', () => {
    for (const secret of [undefined, null, '']) {
      expect(message({ algorithm: 'HS384', secret: secret as unknown as string })).toBe('nestjs-authkit: option "jwt.secret" is required for HS384');
    }
  });

  it('needs 32 / 48 / 64 bytes for HS256 / HS384 / HS512, counted in bytes, from a string, a Buffer or a KeyObject', () => {
    for (const [algorithm, min] of [['HS256', 32], ['HS384', 48], ['HS512', 64]] as const) {
      expect(message({ algorithm, secret: 's'.repeat(min - 1) })).toBe(`nestjs-authkit: option "jwt.secret" must be at least ${min} bytes for ${algorithm} (got ${min - 1})`);
      expect(message({ algorithm, secret: Buffer.alloc(min - 1, 1) })).toBe(`nestjs-authkit: option "jwt.secret" must be at least ${min} bytes for ${algorithm} (got ${min - 1})`);
      expect(message({ algorithm, secret: createSecretKey(Buffer.alloc(min - 1, 1)) })).toContain(`(got ${min - 1})`);
      expect(createSigningKeys(options({ algorithm, secret: 's'.repeat(min) })).signing.key.symmetricKeySize).toBe(min);
      expect(createSigningKeys(options({ algorithm, secret: Buffer.alloc(min, 1) })).signing.key.symmetricKeySize).toBe(min);
    }
    // 16 two-byte characters are 32 bytes (UTF-8), 31 characters are not enough
    expect(createSigningKeys(options({ secret: 'é'.repeat(16) })).signing.key.export()).toEqual(Buffer.from('é'.repeat(16), 'utf8'));
  });

  it('refuses an asymmetric KeyObject as the secret', () => {
    expect(message({ algorithm: 'HS512', secret: rsa.privateKey })).toBe('nestjs-authkit: option "jwt.secret" must be a secret (symmetric) key for HS512');
    expect(message({ secret: p256.publicKey })).toBe('nestjs-authkit: option "jwt.secret" must be a secret (symmetric) key for HS256');
  });

  it('signs and verifies with the one secret KeyObject (a given KeyObject is used as is)', () => {
    const secret = createSecretKey(Buffer.alloc(32, 7));
    const { signing, verification } = createSigningKeys(options({ secret }));
    expect(signing.key).toBe(secret);
    expect(signing.verifyKey).toBe(secret);
    expect(verification.get(signing.keyId)?.key).toBe(secret);
    const fromString = createSigningKeys(options({ secret: SECRET_32 })).signing;
    expect(fromString.key.type).toBe('secret');
    expect(fromString.key.export()).toEqual(Buffer.from(SECRET_32));
    expect(fromString.verifyKey).toBe(fromString.key);
  });
});

describe('createSigningKeys: asymmetric keys', () => {
  it('requires a private key, naming the algorithm', () => {
    expect(message({ algorithm: 'RS256' })).toBe('nestjs-authkit: option "jwt.privateKey" is required for RS256');
    expect(message({ algorithm: 'ES384', secret: SECRET_32 })).toBe('nestjs-authkit: option "jwt.privateKey" is required for ES384');
  });

  it('refuses what is not a private key: garbage (with the cause), a public PEM, a public KeyObject', () => {
    const garbage = refusal({ algorithm: 'RS256', privateKey: 'not a pem' });
    expect(garbage.message).toBe('nestjs-authkit: option "jwt.privateKey" is not a valid private key');
    expect(garbage.cause).toHaveProperty('code');
    const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
    expect(message({ algorithm: 'RS256', privateKey: publicPem })).toBe('nestjs-authkit: option "jwt.privateKey" is not a valid private key');
    expect(message({ algorithm: 'RS256', privateKey: rsa.publicKey })).toBe('nestjs-authkit: option "jwt.privateKey" must be a private key');
    expect(message({ algorithm: 'RS256', privateKey: createSecretKey(Buffer.alloc(32)) })).toBe('nestjs-authkit: option "jwt.privateKey" must be a private key');
  });

  it('accepts a PEM private key (string or Buffer) and derives the public key when publicKey is omitted', () => {
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    for (const privateKey of [pem, Buffer.from(pem)]) {
      const { signing } = createSigningKeys(options({ algorithm: 'RS256', privateKey }));
      expect(signing.key.type).toBe('private');
      expect(signing.verifyKey.type).toBe('public');
      expect(signing.verifyKey.export({ type: 'spki', format: 'der' })).toEqual(rsa.publicKey.export({ type: 'spki', format: 'der' }));
    }
  });

  it('RS* and PS*: an RSA key of at least 2048 bits; RS* never takes an RSA-PSS key', () => {
    expect(message({ algorithm: 'RS256', privateKey: p256.privateKey })).toBe('nestjs-authkit: option "jwt.privateKey" must be an RSA key for RS256');
    expect(message({ algorithm: 'PS384', privateKey: p256.privateKey })).toBe('nestjs-authkit: option "jwt.privateKey" must be an RSA key for PS384');
    expect(message({ algorithm: 'RS256', privateKey: pss256.privateKey })).toBe('nestjs-authkit: option "jwt.privateKey" must be an RSA key for RS256');
    expect(message({ algorithm: 'RS512', privateKey: rsa1024.privateKey })).toBe('nestjs-authkit: option "jwt.privateKey" must be an RSA key of at least 2048 bits');
    expect(message({ algorithm: 'PS256', privateKey: rsa1024.privateKey })).toBe('nestjs-authkit: option "jwt.privateKey" must be an RSA key of at least 2048 bits');
    expect(createSigningKeys(options({ algorithm: 'PS256', privateKey: pss256.privateKey })).signing.key).toBe(pss256.privateKey);
  });

  it('PS*: an RSA-PSS key must have the hash and MGF1 hash of the algorithm and a salt no longer than the hash', () => {
    const misfit = (algorithm: string, bits: number) =>
      `nestjs-authkit: option "jwt.privateKey" is an RSA-PSS key whose parameters do not fit ${algorithm} (hash and MGF1 hash sha${bits}, salt of at most ${bits / 8} bytes)`;
    expect(message({ algorithm: 'PS384', privateKey: pss256.privateKey })).toBe(misfit('PS384', 384));
    expect(message({ algorithm: 'PS256', privateKey: pss384.privateKey })).toBe(misfit('PS256', 256));
    expect(message({ algorithm: 'PS256', privateKey: pssNoParameters.privateKey })).toBe(misfit('PS256', 256));
    expect(message({ algorithm: 'PS256', privateKey: pssOtherMgf1.privateKey })).toBe(misfit('PS256', 256));
    expect(message({ algorithm: 'PS256', privateKey: pssOtherHash.privateKey })).toBe(misfit('PS256', 256));
    expect(message({ algorithm: 'PS256', privateKey: pssLongSalt.privateKey })).toBe(misfit('PS256', 256));
    expect(createSigningKeys(options({ algorithm: 'PS384', privateKey: pss384.privateKey })).signing.algorithm).toBe('PS384');
  });

  it('ES*: an EC key on the curve of the algorithm', () => {
    expect(message({ algorithm: 'ES256', privateKey: p384.privateKey })).toBe('nestjs-authkit: option "jwt.privateKey" must be an EC key on prime256v1 for ES256');
    expect(message({ algorithm: 'ES384', privateKey: p256.privateKey })).toBe('nestjs-authkit: option "jwt.privateKey" must be an EC key on secp384r1 for ES384');
    expect(message({ algorithm: 'ES512', privateKey: p384.privateKey })).toBe('nestjs-authkit: option "jwt.privateKey" must be an EC key on secp521r1 for ES512');
    expect(message({ algorithm: 'ES256', privateKey: rsa.privateKey })).toBe('nestjs-authkit: option "jwt.privateKey" must be an EC key on prime256v1 for ES256');
  });

  it('publicKey: checked like the private key; a private key given there is reduced to its public half', () => {
    const given = createSigningKeys(options({ algorithm: 'RS256', privateKey: rsa.privateKey, publicKey: rsa.publicKey })).signing;
    expect(given.verifyKey).toBe(rsa.publicKey);
    const pem = createSigningKeys(options({ algorithm: 'RS256', privateKey: rsa.privateKey, publicKey: rsa.publicKey.export({ type: 'spki', format: 'pem' }) })).signing;
    expect(pem.verifyKey.type).toBe('public');
    const fromPrivate = createSigningKeys(options({ algorithm: 'ES256', privateKey: p256.privateKey, publicKey: p256.privateKey })).signing;
    expect(fromPrivate.verifyKey.type).toBe('public');
    expect(fromPrivate.verifyKey.export({ format: 'jwk' })).toEqual(p256.publicKey.export({ format: 'jwk' }));
    const garbage = refusal({ algorithm: 'RS256', privateKey: rsa.privateKey, publicKey: 'not a pem' });
    expect(garbage.message).toBe('nestjs-authkit: option "jwt.publicKey" is not a valid public key');
    expect(garbage.cause).toHaveProperty('code');
    expect(message({ algorithm: 'RS256', privateKey: rsa.privateKey, publicKey: p256.publicKey })).toBe('nestjs-authkit: option "jwt.publicKey" must be an RSA key for RS256');
    expect(message({ algorithm: 'ES256', privateKey: p256.privateKey, publicKey: p384.publicKey })).toBe('nestjs-authkit: option "jwt.publicKey" must be an EC key on prime256v1 for ES256');
    expect(message({ algorithm: 'RS256', privateKey: rsa.privateKey, publicKey: rsa1024.publicKey })).toBe('nestjs-authkit: option "jwt.publicKey" must be an RSA key of at least 2048 bits');
  });
});

describe('createSigningKeys: kid and the verification ring', () => {
  it('the default kid is a stable 16-character fingerprint: of the secret (known answer), of the public key (SPKI)', () => {
    expect(createSigningKeys(options({ secret: SECRET_32 })).signing.keyId).toBe('mJ6QenYMPKyyX28t');
    expect(createSigningKeys(options({ secret: createSecretKey(Buffer.from(SECRET_32)) })).signing.keyId).toBe('mJ6QenYMPKyyX28t');
    expect(createSigningKeys(options({ secret: 'l'.repeat(32) })).signing.keyId).not.toBe('mJ6QenYMPKyyX28t');
    const rs = createSigningKeys(options({ algorithm: 'RS256', privateKey: rsa.privateKey })).signing;
    expect(rs.keyId).toBe(spkiKid(rsa.privateKey));
    expect(rs.keyId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(createSigningKeys(options({ algorithm: 'RS256', privateKey: rsaOther.privateKey })).signing.keyId).not.toBe(rs.keyId);
    // the same key pair signing PS256 has the same kid
    expect(createSigningKeys(options({ algorithm: 'PS256', privateKey: rsa.privateKey })).signing.keyId).toBe(rs.keyId);
  });

  it('a configured keyId is used as is; an empty or non-string one is refused', () => {
    expect(createSigningKeys(options({ secret: SECRET_32, keyId: 'key-2026' })).signing.keyId).toBe('key-2026');
    expect(message({ secret: SECRET_32, keyId: '' })).toBe('nestjs-authkit: option "jwt.keyId" must be a non-empty string');
    expect(message({ secret: SECRET_32, keyId: 7 as unknown as string })).toBe('nestjs-authkit: option "jwt.keyId" must be a non-empty string');
  });

  it('the ring holds the signing key under its kid (its verify key, its algorithm), then each verification key', () => {
    const { signing, verification } = createSigningKeys(options({
      algorithm: 'ES256', privateKey: p256.privateKey, keyId: 'new',
      verificationKeys: [
        { keyId: 'old-hs', algorithm: 'HS384', key: 'h'.repeat(48) },
        { keyId: 'old-rs', algorithm: 'RS512', key: rsa.privateKey },
        { keyId: 'old-es', algorithm: 'ES384', key: p384.publicKey.export({ type: 'spki', format: 'pem' }) },
      ],
    }));
    expect(signing).toEqual({ keyId: 'new', algorithm: 'ES256', key: p256.privateKey, verifyKey: expect.anything() });
    expect([...verification.keys()]).toEqual(['new', 'old-hs', 'old-rs', 'old-es']);
    expect(verification.get('new')).toEqual({ keyId: 'new', algorithm: 'ES256', key: signing.verifyKey });
    expect(verification.get('new')?.key.type).toBe('public');
    const hs = verification.get('old-hs');
    expect(hs?.algorithm).toBe('HS384');
    expect(hs?.keyId).toBe('old-hs');
    expect(hs?.key.export()).toEqual(Buffer.from('h'.repeat(48)));
    expect(verification.get('old-rs')?.algorithm).toBe('RS512');
    expect(verification.get('old-rs')?.key.type).toBe('public');
    expect(verification.get('old-rs')?.key.export({ format: 'jwk' })).toEqual(rsa.publicKey.export({ format: 'jwk' }));
    expect(verification.get('old-es')?.key.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(createSigningKeys(options({ secret: SECRET_32 })).verification.size).toBe(1);
  });

  it('refuses a verification key without kid, with a bad algorithm, a duplicate kid or a misfit key, naming its index', () => {
    const good = { keyId: 'old', algorithm: 'HS256' as const, key: 'o'.repeat(32) };
    const ring = (...verificationKeys: unknown[]) => message({ secret: SECRET_32, keyId: 'cur', verificationKeys: verificationKeys as ResolvedJwtOptions['verificationKeys'] });
    expect(ring({ algorithm: 'HS256', key: 'o'.repeat(32) })).toBe('nestjs-authkit: option "jwt.verificationKeys[0].keyId" is required');
    expect(ring(good, null)).toBe('nestjs-authkit: option "jwt.verificationKeys[1].keyId" is required');
    expect(ring(good, { ...good, keyId: '' })).toBe('nestjs-authkit: option "jwt.verificationKeys[1].keyId" is required');
    expect(ring({ ...good, algorithm: 'none' })).toBe(`nestjs-authkit: option "jwt.verificationKeys[0].algorithm" ${ALLOWED} (got "none")`);
    expect(ring({ ...good, algorithm: 'EdDSA' })).toContain('option "jwt.verificationKeys[0].algorithm" cannot be EdDSA');
    expect(ring({ ...good, keyId: 'cur' })).toBe('nestjs-authkit: option "jwt.verificationKeys[0].keyId" duplicates kid "cur"');
    expect(ring(good, good)).toBe('nestjs-authkit: option "jwt.verificationKeys[1].keyId" duplicates kid "old"');
    expect(ring({ ...good, key: 'o'.repeat(31) })).toBe('nestjs-authkit: option "jwt.verificationKeys[0].key" must be at least 32 bytes for HS256 (got 31)');
    expect(ring({ ...good, algorithm: 'HS512', key: rsa.publicKey })).toBe('nestjs-authkit: option "jwt.verificationKeys[0].key" must be a secret (symmetric) key for HS512');
    expect(ring({ keyId: 'old', algorithm: 'RS256' })).toBe('nestjs-authkit: option "jwt.verificationKeys[0].key" is required for RS256');
    expect(ring({ keyId: 'old', algorithm: 'RS256', key: 'junk' })).toBe('nestjs-authkit: option "jwt.verificationKeys[0].key" is not a valid public key');
    expect(ring({ keyId: 'old', algorithm: 'ES256', key: rsa.publicKey })).toBe('nestjs-authkit: option "jwt.verificationKeys[0].key" must be an EC key on prime256v1 for ES256');
    expect(ring({ keyId: 'old', algorithm: 'HS256' })).toBe('nestjs-authkit: option "jwt.verificationKeys[0].key" is required for HS256');
  });
});
