import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import type { DynamicModule, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule, type AuthModuleOptions, TokenService } from '../lib';
import { resolveAuthOptions } from '../lib/auth.options';
import { createSigningKeys } from '../lib/core/tokens/signing-keys';

const SECRET_32 = 'x'.repeat(32);
const SECRET_31 = 'x'.repeat(31);

/** Options as an app might pass them from untyped config (env vars, JSON). */
type LooseOptions = Record<string, unknown>;

function resolve(options: LooseOptions) {
  return resolveAuthOptions(options as unknown as AuthModuleOptions);
}

/** resolveAuthOptions, then key material, as the module does at start-up. */
function startUp(options: LooseOptions) {
  return createSigningKeys(resolve(options).jwt);
}

/** A TypeError whose message names the option in quotes, e.g. `"jwt.secret"`. */
function namingOption(option: string): RegExp {
  return new RegExp(`"${option.replace(/[.[\]]/g, (c) => `\\${c}`)}"`);
}

function expectRejected(run: () => unknown, option: string): void {
  expect(run).toThrow(TypeError);
  expect(run).toThrow(namingOption(option));
}

describe('resolveAuthOptions / createSigningKeys', () => {
  it('accepts a minimal configuration and applies the documented defaults', () => {
    const resolved = resolve({ jwt: { secret: SECRET_32 } });
    expect(resolved).toMatchObject({
      jwt: { algorithm: 'HS256', issuer: 'nestjs-authkit', audience: 'nestjs-authkit', clockToleranceSeconds: 5, accessTokenTtlSeconds: 900 },
      sessions: {
        refreshTokenTtlSeconds: 30 * 24 * 3600,
        sessionAbsoluteTtlSeconds: 90 * 24 * 3600,
        reuseWindowMs: 5000,
        maxSessionsPerUser: 10,
        accessTokenValidation: 'session',
        sessionUserAgent: 'summary',
      },
      http: { refreshTokenTransport: 'cookie', maxAgeSeconds: 30 * 24 * 3600 },
      identity: {
        registration: { enabled: true, defaultRoles: ['user'] },
        passwordHashing: { memoryCostKiB: 19456, timeCost: 2, parallelism: 1 },
      },
      redis: { keyPrefix: 'authkit' },
    });
    expect(() => createSigningKeys(resolved.jwt)).not.toThrow();
  });

  it('rejects missing options or a missing jwt section', () => {
    expectRejected(() => resolve(undefined as unknown as LooseOptions), 'options');
    expectRejected(() => resolve({}), 'jwt');
  });

  it('rejects a missing or empty secret', () => {
    expectRejected(() => startUp({ jwt: {} }), 'jwt.secret');
    expectRejected(() => startUp({ jwt: { secret: '' } }), 'jwt.secret');
    expectRejected(() => new TokenService(resolve({ jwt: {} }).jwt), 'jwt.secret');
  });

  it('rejects a 31-byte secret (and measures bytes, not characters); accepts 32 bytes', () => {
    expectRejected(() => startUp({ jwt: { secret: SECRET_31 } }), 'jwt.secret');
    expect(() => startUp({ jwt: { secret: SECRET_31 } })).toThrow(/32/);
    expectRejected(() => startUp({ jwt: { secret: Buffer.alloc(31, 1) } }), 'jwt.secret');
    expect(() => startUp({ jwt: { secret: SECRET_32 } })).not.toThrow();
    expect(() => startUp({ jwt: { secret: 'é'.repeat(16) } })).not.toThrow(); // 16 characters, 32 bytes
    expectRejected(() => startUp({ jwt: { algorithm: 'HS512', secret: SECRET_32 } }), 'jwt.secret');
  });

  it.each(['none', 'HS1024', 'hs256', 'RSA', ''])('rejects the unknown algorithm %j', (algorithm) => {
    expectRejected(() => resolve({ jwt: { secret: SECRET_32, algorithm } }), 'jwt.algorithm');
  });

  it('rejects asymmetric configurations with a missing or unsuitable key', () => {
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expectRejected(() => startUp({ jwt: { algorithm: 'RS256' } }), 'jwt.privateKey');
    expectRejected(() => startUp({ jwt: { algorithm: 'RS256', privateKey: 'not a pem' } }), 'jwt.privateKey');
    expectRejected(() => startUp({ jwt: { algorithm: 'RS256', privateKey: rsa1024.privateKey } }), 'jwt.privateKey');
    expectRejected(() => startUp({ jwt: { algorithm: 'ES384', privateKey: p256.privateKey } }), 'jwt.privateKey');
    expectRejected(() => startUp({ jwt: { algorithm: 'ES256', privateKey: rsa1024.privateKey } }), 'jwt.privateKey');
    expectRejected(() => startUp({ jwt: { algorithm: 'ES256', privateKey: p256.publicKey } }), 'jwt.privateKey');
  });

  it('refuses EdDSA with a message that says why (jsonwebtoken 9 has none)', () => {
    const ed = generateKeyPairSync('ed25519');
    expectRejected(() => resolve({ jwt: { algorithm: 'EdDSA', privateKey: ed.privateKey } }), 'jwt.algorithm');
    expect(() => resolve({ jwt: { algorithm: 'EdDSA', privateKey: ed.privateKey } })).toThrow(/cannot be EdDSA: .*jsonwebtoken 9.*use ES256/);
    expectRejected(
      () => startUp({ jwt: { secret: SECRET_32, verificationKeys: [{ keyId: 'ed', algorithm: 'EdDSA', key: ed.publicKey }] } }),
      'jwt.verificationKeys[0].algorithm',
    );
    expectRejected(
      () => startUp({ jwt: { secret: SECRET_32, verificationKeys: [{ keyId: 'x', algorithm: 'none', key: SECRET_32 }] } }),
      'jwt.verificationKeys[0].algorithm',
    );
  });

  it('refuses keys jsonwebtoken would refuse on every call: an RSA-PSS key for RS256, or with parameters unfit for PS256', () => {
    // saltLength is a number of bytes; @types/node 20 types it as a string.
    const pssKey = (hash: string, saltLength: number) =>
      generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: hash, mgf1HashAlgorithm: hash, saltLength: saltLength as unknown as string });
    const pss = pssKey('sha256', 32);
    const pss512 = pssKey('sha512', 64);
    expectRejected(() => startUp({ jwt: { algorithm: 'RS256', privateKey: pss.privateKey } }), 'jwt.privateKey');
    expectRejected(() => startUp({ jwt: { algorithm: 'PS256', privateKey: pss512.privateKey } }), 'jwt.privateKey');
    expect(() => new TokenService(resolve({ jwt: { algorithm: 'PS256', privateKey: pss.privateKey }, refreshTokenKey: SECRET_32 }).jwt)).not.toThrow();
  });

  it('refuses a jwt.publicKey that does not verify what jwt.privateKey signs', () => {
    const one = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expectRejected(() => new TokenService(resolve({ jwt: { algorithm: 'ES256', privateKey: one.privateKey, publicKey: other.publicKey } }).jwt), 'jwt.publicKey');
    expect(() => new TokenService(resolve({ jwt: { algorithm: 'ES256', privateKey: one.privateKey, publicKey: one.publicKey }, refreshTokenKey: SECRET_32 }).jwt)).not.toThrow();
  });

  it('rejects bad verificationKeys', () => {
    expectRejected(
      () => startUp({ jwt: { secret: SECRET_32, verificationKeys: [{ algorithm: 'HS256', key: SECRET_32 }] } }),
      'jwt.verificationKeys[0].keyId',
    );
    expectRejected(
      () => startUp({ jwt: { secret: SECRET_32, verificationKeys: [{ keyId: 'old', algorithm: 'HS256', key: SECRET_31 }] } }),
      'jwt.verificationKeys[0].key',
    );
    expectRejected(
      () => startUp({ jwt: { secret: SECRET_32, keyId: 'k', verificationKeys: [{ keyId: 'k', algorithm: 'HS256', key: SECRET_32 }] } }),
      'jwt.verificationKeys[0].keyId',
    );
  });

  const positiveIntegerOptions = ['accessTokenTtlSeconds', 'refreshTokenTtlSeconds', 'sessionAbsoluteTtlSeconds', 'maxSessionsPerUser'];
  const badIntegers: unknown[] = [0, -1, 1.5, '900', NaN, Infinity, null, true];
  it.each(positiveIntegerOptions.flatMap((option) => badIntegers.map((value) => [option, value] as const)))(
    'rejects %s = %p',
    (option, value) => {
      expectRejected(() => resolve({ jwt: { secret: SECRET_32 }, [option]: value }), option);
    },
  );

  it.each(['memoryCostKiB', 'timeCost', 'parallelism'])('rejects a non-positive or fractional passwordHashing.%s', (name) => {
    for (const value of [0, -1, 2.5, '2']) {
      expectRejected(() => resolve({ jwt: { secret: SECRET_32 }, passwordHashing: { [name]: value } }), `passwordHashing.${name}`);
    }
  });

  it('rejects an argon2 memory cost below 8 KiB per lane (argon2 would refuse it at the first hash)', () => {
    expectRejected(() => resolve({ jwt: { secret: SECRET_32 }, passwordHashing: { memoryCostKiB: 4 } }), 'passwordHashing.memoryCostKiB');
    expectRejected(
      () => resolve({ jwt: { secret: SECRET_32 }, passwordHashing: { memoryCostKiB: 1024, parallelism: 256 } }),
      'passwordHashing.memoryCostKiB',
    );
    expect(() => resolve({ jwt: { secret: SECRET_32 }, passwordHashing: { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 } })).not.toThrow();
  });

  it('rejects a negative or non-numeric reuseWindowMs and clock tolerance', () => {
    for (const value of [-1, '5000', NaN]) {
      expectRejected(() => resolve({ jwt: { secret: SECRET_32 }, reuseWindowMs: value }), 'reuseWindowMs');
      expectRejected(() => resolve({ jwt: { secret: SECRET_32, clockToleranceSeconds: value } }), 'jwt.clockToleranceSeconds');
    }
  });

  it.each(['header', 'COOKIE', '', 42])('rejects refreshTokenTransport %p', (transport) => {
    expectRejected(() => resolve({ jwt: { secret: SECRET_32 }, refreshTokenTransport: transport }), 'refreshTokenTransport');
  });

  it('rejects other malformed options, naming each', () => {
    const base = { jwt: { secret: SECRET_32 } };
    expectRejected(() => resolve({ ...base, accessTokenValidation: 'none' }), 'accessTokenValidation');
    expectRejected(() => resolve({ ...base, sessionUserAgent: 'raw' as never }), 'sessionUserAgent');
    expectRejected(() => resolve({ ...base, roleHierarchy: { admin: 'user' } }), 'roleHierarchy.admin');
    expectRejected(() => resolve({ ...base, registration: { defaultRoles: [''] } }), 'registration.defaultRoles');
    expectRejected(() => resolve({ ...base, redis: { keyPrefix: 'bad prefix{' } }), 'redis.keyPrefix');
    expectRejected(() => resolve({ ...base, redis: { url: 6379 } }), 'redis.url');
  });
});

describe('AuthModule refuses to start with bad options', () => {
  const silent: LoggerService = { log() {}, error() {}, warn() {}, debug() {}, verbose() {} };

  function compile(authModule: DynamicModule) {
    return Test.createTestingModule({ imports: [authModule] }).setLogger(silent).compile();
  }

  const cases: Array<[string, LooseOptions, string]> = [
    ['a missing secret', { jwt: {} }, 'jwt.secret'],
    ['a 31-byte secret', { jwt: { secret: SECRET_31 } }, 'jwt.secret'],
    ['an unknown algorithm', { jwt: { secret: SECRET_32, algorithm: 'none' } }, 'jwt.algorithm'],
    ['a zero TTL', { jwt: { secret: SECRET_32 }, accessTokenTtlSeconds: 0 }, 'accessTokenTtlSeconds'],
    ['a string TTL', { jwt: { secret: SECRET_32 }, refreshTokenTtlSeconds: '30d' }, 'refreshTokenTtlSeconds'],
    ['a bad transport', { jwt: { secret: SECRET_32 }, refreshTokenTransport: 'header' }, 'refreshTokenTransport'],
  ];

  it.each(cases)('forRoot with %s', async (_name, options, option) => {
    await expect(compile(AuthModule.forRoot(options as unknown as AuthModuleOptions))).rejects.toThrow(namingOption(option));
  });

  it.each(cases)('forRootAsync (useFactory) with %s', async (_name, options, option) => {
    const module = AuthModule.forRootAsync({ useFactory: async () => options as unknown as AuthModuleOptions });
    await expect(compile(module)).rejects.toThrow(namingOption(option));
  });

  it('(control) starts with valid options', async () => {
    const moduleRef = await compile(AuthModule.forRootAsync({ useFactory: () => ({ jwt: { secret: SECRET_32 } }) }));
    try {
      expect(moduleRef.get(TokenService).signAccessToken({ userId: 'u', sessionId: 's', roles: [] }).accessToken).toEqual(expect.any(String));
    } finally {
      await moduleRef.close();
    }
  });
});
