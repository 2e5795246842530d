import { createSecretKey, generateKeyPairSync, hkdfSync } from 'node:crypto';
import { AccessTokenExpiredError, AccessTokenInvalidError } from '../../../lib/core/errors/auth.errors';
import { resolveJwtOptions, type TokenOptions } from '../../../lib/core/tokens/jwt.options';
import { deriveRefreshTokenKey } from '../../../lib/core/tokens/refresh-token.codec';
import { TokenService } from '../../../lib/core/tokens/token.service';
import { decodeJwt, forgeHmac } from '../../support/jwt-forge';

/**
 * TokenService beyond the signature: the clock tolerance at its exact bounds (on the first verification, by
 * jsonwebtoken, and on a remembered token, by the service), the claims it issues and hands back, the bounded
 * cache, the length bound, the JWKS, the server keys and the start-up self-test.
 */
// The module object itself (what token.service.ts calls into), so a spy can stand in for one call.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsonwebtoken = require('jsonwebtoken') as typeof import('jsonwebtoken');
const SECRET = 'claims-spec-secret-of-at-least-32-bytes';
const SUBJECT = { userId: 'user-1', sessionId: 'session-1', roles: ['user'] };
const T = Date.UTC(2030, 0, 1) / 1000; // a whole second, so `now` is an integer

function service(options: Partial<TokenOptions> = {}, jwt: TokenOptions['jwt'] = {}): TokenService {
  return new TokenService(resolveJwtOptions({ ...options, jwt: { secret: SECRET, ...jwt } }));
}

function at(seconds: number): void {
  jest.setSystemTime(new Date(seconds * 1000));
}

/** An HS256 token of `tokens` (default kid) with this payload, signed with the right secret. */
function crafted(tokens: TokenService, payload: Record<string, unknown>): string {
  const { header } = decodeJwt(tokens.signAccessToken(SUBJECT).accessToken);
  return forgeHmac(header, payload, createSecretKey(Buffer.from(SECRET)));
}

function payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'user-1', sid: 'session-1', roles: ['user'], iat: T, exp: T + 60, iss: 'nestjs-authkit', aud: 'nestjs-authkit', ...overrides };
}

function verifiedTokens(tokens: TokenService): Map<string, { token: string }> {
  return (tokens as unknown as { verifiedTokens: Map<string, { token: string }> }).verifiedTokens;
}

describe('TokenService: the clock tolerance, at its bounds', () => {
  beforeEach(() => jest.useFakeTimers({ now: T * 1000 }));
  afterEach(() => jest.useRealTimers());

  it('exp: accepted until exp + tolerance, expired from then on (first verification and remembered)', () => {
    for (const tolerance of [0, 5, 30]) {
      const tokens = service({}, { clockToleranceSeconds: tolerance });
      const token = crafted(tokens, payload({ exp: T + 60 }));
      expect(tokens.verifyAccessToken(token).sub).toBe('user-1'); // remembered from now on
      at(T + 60 + tolerance - 0.001);
      expect(tokens.verifyAccessToken(token).sub).toBe('user-1');
      at(T + 60 + tolerance);
      expect(() => tokens.verifyAccessToken(token)).toThrow(AccessTokenExpiredError);
      // a service that never saw it (jsonwebtoken's check) agrees
      expect(() => service({}, { clockToleranceSeconds: tolerance }).verifyAccessToken(token)).toThrow(AccessTokenExpiredError);
      at(T + 60 + tolerance - 1);
      expect(service({}, { clockToleranceSeconds: tolerance }).verifyAccessToken(token).exp).toBe(T + 60);
      at(T);
    }
  });

  it('nbf and iat: up to the tolerance in the future, not further (invalid, not expired)', () => {
    for (const claim of ['nbf', 'iat']) {
      const tokens = service({}, { clockToleranceSeconds: 5 });
      const edge = crafted(tokens, payload({ [claim]: T + 5 }));
      expect(tokens.verifyAccessToken(edge)[claim as 'iat']).toBe(T + 5);
      const beyond = crafted(tokens, payload({ [claim]: T + 6 }));
      expect(() => tokens.verifyAccessToken(beyond)).toThrow(AccessTokenInvalidError);
      expect(() => tokens.verifyAccessToken(beyond)).not.toThrow(AccessTokenExpiredError);
      // the remembered edge token is refused when the clock goes back
      at(T - 0.5);
      expect(() => tokens.verifyAccessToken(edge)).toThrow(AccessTokenInvalidError);
      at(T);
      expect(tokens.verifyAccessToken(edge).sub).toBe('user-1');
    }
    const strict = service({}, { clockToleranceSeconds: 0 });
    expect(() => strict.verifyAccessToken(crafted(strict, payload({ iat: T + 1 })))).toThrow(AccessTokenInvalidError);
    expect(strict.verifyAccessToken(crafted(strict, payload({ iat: T, nbf: T }))).sub).toBe('user-1');
  });
});

describe('TokenService: the claims', () => {
  afterEach(() => jest.useRealTimers());

  it('signs sub, sid, roles, iat, exp = iat + ttl, iss, aud, a jti, and the header alg / typ at+jwt / kid', () => {
    jest.useFakeTimers({ now: T * 1000 + 999 });
    const tokens = service({ accessTokenTtlSeconds: 120 }, { issuer: 'iss-x', audience: 'aud-x', keyId: 'kid-x' });
    const issued = tokens.signAccessToken({ ...SUBJECT, roles: ['a', 'b'] });
    expect(issued.expiresInSeconds).toBe(120);
    const { header, payload: claims } = decodeJwt(issued.accessToken);
    expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: 'kid-x' });
    expect(claims).toEqual({ sub: 'user-1', sid: 'session-1', roles: ['a', 'b'], iat: T, exp: T + 120, iss: 'iss-x', aud: 'aud-x', jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(decodeJwt(tokens.signAccessToken(SUBJECT).accessToken).payload.jti).not.toBe(claims.jti);
  });

  it('adds email, amr (copied) and auth_time (seconds) when given, the app claims under the reserved ones', () => {
    const tokens = service();
    const amr = ['pwd'];
    const { accessToken } = tokens.signAccessToken({ ...SUBJECT, email: 'a@example.com', amr, authTime: 1_700_000_000_999, claims: { tenant: 't1', sub: 'evil', roles: ['admin'] } });
    amr.push('otp');
    const { payload: claims } = decodeJwt(accessToken);
    expect(claims).toMatchObject({ email: 'a@example.com', amr: ['pwd'], auth_time: 1_700_000_000, tenant: 't1', sub: 'user-1', roles: ['user'] });
    const bare = decodeJwt(tokens.signAccessToken({ ...SUBJECT, email: null }).accessToken).payload;
    for (const name of ['email', 'amr', 'auth_time']) expect(bare).not.toHaveProperty(name);
    expect(decodeJwt(tokens.signAccessToken({ ...SUBJECT, email: '' }).accessToken).payload).not.toHaveProperty('email');
    expect(decodeJwt(tokens.signAccessToken({ ...SUBJECT, authTime: 0 }).accessToken).payload.auth_time).toBe(0);
  });

  it('hands back the verified claims: string roles and amr only, email when a string, auth_time in ms, the app claims', () => {
    const tokens = service();
    const token = crafted(tokens, payload({
      exp: Math.floor(Date.now() / 1000) + 60, iat: Math.floor(Date.now() / 1000), roles: ['user', 1, null, 'admin'], amr: ['pwd', 2, 'otp'], email: 'a@example.com',
      auth_time: 1_700_000_000, tenant: 't1',
    }));
    const verified = tokens.verifiedAccessToken(token);
    expect(verified.token).toBe(token);
    expect(verified.roles).toEqual(['user', 'admin']);
    expect(verified.amr).toEqual(['pwd', 'otp']);
    expect(verified.email).toBe('a@example.com');
    expect(verified.authTime).toBe(1_700_000_000_000);
    expect(verified.appClaims).toEqual({ tenant: 't1' });
    expect(Object.isFrozen(verified)).toBe(true);
    expect(Object.isFrozen(verified.claims)).toBe(true);
    expect(Object.isFrozen(verified.roles)).toBe(true);
    expect(Object.isFrozen(verified.amr)).toBe(true);
    const claims = tokens.verifyAccessToken(token);
    expect(claims.roles).toEqual(['user', 'admin']);
    expect(Object.isFrozen(claims)).toBe(false);
    const plain = tokens.verifiedAccessToken(crafted(tokens, payload({
      exp: Math.floor(Date.now() / 1000) + 60, iat: undefined, roles: 'admin', amr: 'pwd', email: 42,
    })));
    expect(plain.roles).toEqual([]);
    expect(plain.amr).toEqual([]);
    expect(plain.email).toBeUndefined();
    expect(plain.authTime).toBeUndefined();
    expect(plain.iat).toBeUndefined();
    expect(plain.nbf).toBeUndefined();
    expect(plain.appClaims).toEqual({});
  });

  it('an audience list containing ours is accepted; non-numeric nbf / iat / auth_time, an empty or missing sid, a missing iss are refused', () => {
    const tokens = service();
    const now = Math.floor(Date.now() / 1000);
    const valid = (overrides: Record<string, unknown>) => crafted(tokens, payload({ iat: now, exp: now + 60, ...overrides }));
    expect(tokens.verifyAccessToken(valid({ aud: ['other', 'nestjs-authkit'] })).sub).toBe('user-1');
    for (const overrides of [{ nbf: String(now) }, { iat: String(now) }, { auth_time: String(now) }, { sid: '' }, { sid: 7 }, { sid: undefined }, { iss: undefined }, { aud: undefined }, { aud: [] }]) {
      expect(() => tokens.verifyAccessToken(valid(overrides))).toThrow(AccessTokenInvalidError);
    }
  });
});

describe('TokenService: bounds and lookups', () => {
  it('remembers at most 1024 verified tokens, forgetting the oldest first', () => {
    const tokens = service();
    const issued = Array.from({ length: 1030 }, (_, i) => tokens.signAccessToken({ ...SUBJECT, userId: `user-${i}` }).accessToken);
    for (const token of issued) tokens.verifyAccessToken(token);
    const remembered = [...verifiedTokens(tokens).values()].map((entry) => entry.token);
    expect(remembered).toHaveLength(1024);
    expect(remembered).toEqual(issued.slice(6));
    expect(tokens.verifyAccessToken(issued[0]).sub).toBe('user-0'); // forgotten, verified again
  });

  it('a remembered signature never vouches for another token string with the same signature segment', () => {
    const tokens = service();
    const { accessToken } = tokens.signAccessToken(SUBJECT);
    tokens.verifyAccessToken(accessToken);
    const [header, body, signature] = accessToken.split('.');
    const otherBody = Buffer.from(JSON.stringify({ ...decodeJwt(accessToken).payload, roles: ['admin'] })).toString('base64url');
    expect(() => tokens.verifyAccessToken(`${header}.${otherBody}.${signature}`)).toThrow(AccessTokenInvalidError);
    expect(tokens.verifyAccessToken(`${header}.${body}.${signature}`).roles).toEqual(['user']);
  });

  it('reads tokens of up to 8192 characters (verify and key lookup)', () => {
    const now = Math.floor(Date.now() / 1000);
    // base64url never has a length of 4n + 1, so the kid's length is varied to reach every total length
    const ofLength = (length: number): [TokenService, string] => {
      for (const keyId of ['k', 'kk', 'kkk', 'kkkk']) {
        const tokens = service({}, { keyId });
        for (let pad = 0; pad < 8192; pad++) {
          const token = crafted(tokens, payload({ iat: now, exp: now + 60, pad: 'p'.repeat(pad) }));
          if (token.length === length) return [tokens, token];
          if (token.length > length) break;
        }
      }
      throw new Error(`no token of ${length} characters`);
    };
    const [tokens, longest] = ofLength(8192);
    expect(tokens.verifyAccessToken(longest).sub).toBe('user-1');
    expect(tokens.verificationKeyFor(longest).algorithm).toBe('HS256');
    const [other, tooLong] = ofLength(8193);
    expect(() => other.verifyAccessToken(tooLong)).toThrow(AccessTokenInvalidError);
    expect(() => other.verificationKeyFor(tooLong)).toThrow(AccessTokenInvalidError);
  });

  it('verificationKeyFor: the configured key of the header, without checking the signature; malformed input refused', () => {
    const tokens = service({}, { keyId: 'k' });
    const { accessToken } = tokens.signAccessToken(SUBJECT);
    const [header, body] = accessToken.split('.');
    const key = tokens.verificationKeyFor(`${header}.${body}.AAAA`);
    expect(key.keyId).toBe('k');
    expect(key.key.export()).toEqual(Buffer.from(SECRET));
    for (const bad of [42 as unknown as string, `${header}.${body}`, `${header}.${body}.AAAA.AAAA`, `${header}.${body}.AA==`, `${header}.${body}.`]) {
      expect(() => tokens.verificationKeyFor(bad)).toThrow(AccessTokenInvalidError);
    }
  });

  it('getJwks: the public keys only, each with kid, alg and use sig', () => {
    expect(service().getJwks()).toEqual({ keys: [] });
    const es = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const old = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const tokens = service({ refreshTokenKey: 'r'.repeat(32) }, {
      secret: undefined, algorithm: 'ES256', privateKey: es.privateKey, keyId: 'new',
      verificationKeys: [{ keyId: 'hs', algorithm: 'HS256', key: SECRET }, { keyId: 'old', algorithm: 'ES384', key: old.publicKey }],
    });
    expect(tokens.getJwks()).toEqual({
      keys: [
        { ...es.publicKey.export({ format: 'jwk' }), kid: 'new', alg: 'ES256', use: 'sig' },
        { ...old.publicKey.export({ format: 'jwk' }), kid: 'old', alg: 'ES384', use: 'sig' },
      ],
    });
  });
});

describe('TokenService: server keys and the start-up self-test', () => {
  const es = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const otherEs = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('asymmetric access tokens need refreshTokenKey, naming the algorithm', () => {
    expect(() => service({}, { secret: undefined, algorithm: 'ES256', privateKey: es.privateKey })).toThrow(
      new TypeError('nestjs-authkit: option "refreshTokenKey" is required with ES256 access tokens: a secret of at least 32 bytes, the same on every instance (it keys the refresh tokens\' MAC)'),
    );
  });

  it('the refresh key is refreshTokenKey when set, else derived from the HS secret; the log pseudonym key is derived from it', () => {
    const derived = deriveRefreshTokenKey(Buffer.from(SECRET));
    const pseudonym = (key: Buffer) => Buffer.from(hkdfSync('sha256', key, '', 'authkit security log email pseudonym v1', 32));
    expect(service().logPseudonymKey).toEqual(pseudonym(derived));
    const explicit = Buffer.from('r'.repeat(32));
    expect(service({ refreshTokenKey: explicit }).logPseudonymKey).toEqual(pseudonym(explicit));
    expect(service({ refreshTokenKey: explicit }, { secret: undefined, algorithm: 'ES256', privateKey: es.privateKey }).logPseudonymKey).toEqual(pseudonym(explicit));
    // tokens of one key parse under it only
    const minted = service({ refreshTokenKey: explicit }).createRefreshToken('user-1').refreshToken;
    expect(service({ refreshTokenKey: explicit }, { secret: 'another-secret-of-at-least-32-bytes!!' }).parseRefreshToken(minted).userId).toBe('user-1');
    expect(() => service().parseRefreshToken(minted)).toThrow();
    const derivedToken = service().createRefreshToken('user-2');
    expect(service().parseRefreshToken(derivedToken.refreshToken)).toEqual({ userId: 'user-2', sessionId: derivedToken.sessionId, secretHash: derivedToken.secretHash });
    expect(service().nextRefreshToken(derivedToken)).toEqual(service().nextRefreshToken(derivedToken));
  });

  it('refuses a publicKey that does not verify what the private key signs, naming jwt.publicKey', () => {
    expect(() => service({ refreshTokenKey: 'r'.repeat(32) }, { secret: undefined, algorithm: 'ES256', privateKey: es.privateKey, publicKey: otherEs.publicKey })).toThrow(
      /^nestjs-authkit: option "jwt\.publicKey" does not verify the tokens it signs \(ES256\)$/,
    );
    expect(service({ refreshTokenKey: 'r'.repeat(32) }, { secret: undefined, algorithm: 'ES256', privateKey: es.privateKey, publicKey: es.publicKey }).getJwks().keys).toHaveLength(1);
  });
  it('names the option when jsonwebtoken itself refuses a key at start-up (sign or verify), with the cause', () => {
    const failure = new Error('jsonwebtoken refused');
    const startUp = (run: () => unknown): TypeError => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        expect((error as TypeError).cause).toBe(failure);
        return error as TypeError;
      }
      throw new Error('started');
    };
    const es256 = (jwt: TokenOptions['jwt'] = {}) => () => service({ refreshTokenKey: 'r'.repeat(32) }, { secret: undefined, algorithm: 'ES256', privateKey: es.privateKey, ...jwt });
    const signing = jest.spyOn(jsonwebtoken, 'sign');
    try {
      signing.mockImplementationOnce(() => { throw failure; });
      expect(startUp(() => service()).message).toBe('nestjs-authkit: option "jwt.secret" cannot sign HS256 tokens with jsonwebtoken');
      signing.mockImplementationOnce(() => { throw failure; });
      expect(startUp(es256()).message).toBe('nestjs-authkit: option "jwt.privateKey" cannot sign ES256 tokens with jsonwebtoken');
    } finally {
      signing.mockRestore();
    }
    const verifying = jest.spyOn(jsonwebtoken, 'verify');
    try {
      verifying.mockImplementationOnce(() => { throw failure; });
      expect(startUp(() => service({}, { algorithm: 'HS384', secret: 'h'.repeat(48) })).message).toBe('nestjs-authkit: option "jwt.secret" does not verify the tokens it signs (HS384)');
      verifying.mockImplementationOnce(() => { throw failure; });
      expect(startUp(es256()).message).toBe('nestjs-authkit: option "jwt.privateKey" does not verify the tokens it signs (ES256)');
      verifying.mockImplementationOnce(() => { throw failure; });
      expect(startUp(es256({ publicKey: es.publicKey })).message).toBe('nestjs-authkit: option "jwt.publicKey" does not verify the tokens it signs (ES256)');
    } finally {
      verifying.mockRestore();
    }
    expect(es256({ publicKey: es.publicKey })().getJwks().keys).toHaveLength(1);
  });
});
