import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, randomUUID, verify } from 'node:crypto';
import { AccessTokenExpiredError, AccessTokenInvalidError, type AuthModuleOptions, type JwtOptions, RefreshTokenInvalidError, TokenService } from '../../../lib';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { b64url, decodeJwt, forgeAsymmetric, forgeHmac, withSignature } from '../../support/jwt-forge';

const SECRET = 'token-spec-secret-that-is-32-bytes-or-more!';
const OTHER_SECRET = 'another-secret-that-is-also-32-bytes-or-more';
const SUBJECT = { userId: 'user-1', sessionId: 'session-1', roles: ['user', 'editor'] };

const REFRESH_TOKEN_KEY = 'refresh-token-key-that-is-32-bytes-or-more';

/** With asymmetric keys (`secret: undefined`), the refresh-token key they require. */
function service(jwt: JwtOptions = {}, options: Partial<AuthModuleOptions> = {}): TokenService {
  const refreshTokenKey = 'secret' in jwt && jwt.secret === undefined ? REFRESH_TOKEN_KEY : undefined;
  return new TokenService(resolveAuthOptions({ refreshTokenKey, ...options, jwt: { secret: SECRET, ...jwt } }).jwt);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function validPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds();
  return {
    sub: SUBJECT.userId, sid: SUBJECT.sessionId, roles: SUBJECT.roles, iat, exp: iat + 900,
    iss: 'nestjs-authkit', aud: 'nestjs-authkit', jti: randomUUID(), ...overrides,
  };
}

function kidOf(tokens: TokenService): string {
  return decodeJwt(tokens.signAccessToken(SUBJECT).accessToken).header.kid as string;
}

function without(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _removed, ...rest } = object;
  return rest;
}

describe('TokenService: HS256 access tokens', () => {
  const tokens = service();
  const kid = kidOf(tokens);
  const header = (overrides: Record<string, unknown> = {}) => ({ alg: 'HS256', typ: 'at+jwt', kid, ...overrides });
  const hs256 = (h: unknown, p: unknown) => forgeHmac(h, p, SECRET);

  it('signs a JWT with typ at+jwt, kid and the claims sub/sid/roles/iat/exp/iss/aud/jti, and verifies it', () => {
    const before = nowSeconds();
    const { accessToken, expiresInSeconds } = tokens.signAccessToken(SUBJECT);
    const { header: h, payload } = decodeJwt(accessToken);
    expect(h).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: expect.any(String) });
    expect(payload).toEqual({
      sub: 'user-1', sid: 'session-1', roles: ['user', 'editor'], iat: expect.any(Number), exp: expect.any(Number),
      iss: 'nestjs-authkit', aud: 'nestjs-authkit', jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    expect(expiresInSeconds).toBe(900);
    expect(tokens.verifyAccessToken(accessToken)).toEqual(payload);
    expect(decodeJwt(tokens.signAccessToken(SUBJECT).accessToken).payload.jti).not.toBe(payload.jti);
  });

  it('uses the configured issuer, audience and lifetime', () => {
    const custom = service({ issuer: 'https://issuer.example', audience: 'api://example' }, { accessTokenTtlSeconds: 60 });
    const { accessToken, expiresInSeconds } = custom.signAccessToken(SUBJECT);
    const { payload } = decodeJwt(accessToken);
    expect(payload).toMatchObject({ iss: 'https://issuer.example', aud: 'api://example' });
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);
    expect(expiresInSeconds).toBe(60);
    expect(custom.verifyAccessToken(accessToken).sub).toBe('user-1');
    expect(() => tokens.verifyAccessToken(accessToken)).toThrow(AccessTokenInvalidError);
  });

  it('accepts tokens crafted independently with the right key (so the rejections below are about what they change)', () => {
    expect(tokens.verifyAccessToken(hs256(header(), validPayload())).sub).toBe('user-1');
    expect(tokens.verifyAccessToken(hs256(header({ typ: 'application/at+jwt' }), validPayload())).sid).toBe('session-1');
    expect(tokens.verifyAccessToken(hs256(header(), validPayload({ aud: ['other', 'nestjs-authkit'] }))).sub).toBe('user-1');
    expect(tokens.verifyAccessToken(hs256(header(), validPayload({ exp: nowSeconds() - 2 }))).sub).toBe('user-1');
    expect(tokens.verifyAccessToken(hs256(header(), validPayload({ nbf: nowSeconds() + 2 }))).sub).toBe('user-1');
  });

  it('drops non-string roles from verified claims', () => {
    expect(tokens.verifyAccessToken(hs256(header(), validPayload({ roles: ['user', 7, null, { admin: true }] }))).roles).toEqual(['user']);
    expect(tokens.verifyAccessToken(hs256(header(), validPayload({ roles: 'admin' }))).roles).toEqual([]);
  });

  describe('rejects', () => {
    const real = () => tokens.signAccessToken(SUBJECT).accessToken;
    const expired = () => AccessTokenExpiredError;
    const invalid = () => AccessTokenInvalidError;
    const cases: Array<[string, () => unknown, () => typeof AccessTokenInvalidError | typeof AccessTokenExpiredError]> = [
      ['a tampered payload', () => {
        const [h, , s] = real().split('.');
        return `${h}.${b64url(validPayload({ roles: ['admin'] }))}.${s}`;
      }, invalid],
      ['a stripped signature', () => real().split('.').slice(0, 2).join('.') + '.', invalid],
      ['a two-segment token', () => real().split('.').slice(0, 2).join('.'), invalid],
      ['a four-segment token', () => `${real()}.${b64url('x')}`, invalid],
      ...['none', 'None', 'NONE', 'nOnE'].flatMap((alg): Array<[string, () => unknown, typeof invalid]> => [
        [`alg ${alg} without signature`, () => `${b64url(header({ alg }))}.${b64url(validPayload())}.`, invalid],
        [`alg ${alg} with an HMAC signature`, () => hs256(header({ alg }), validPayload()), invalid],
      ]),
      ['a token signed with another secret', () => forgeHmac(header(), validPayload(), OTHER_SECRET), invalid],
      ['HS512 with the right secret when HS256 is configured', () => forgeHmac(header({ alg: 'HS512' }), validPayload(), SECRET, 'sha512'), invalid],
      ['HS384 with the right secret when HS256 is configured', () => forgeHmac(header({ alg: 'HS384' }), validPayload(), SECRET, 'sha384'), invalid],
      ['an expired token (beyond the clock tolerance)', () => hs256(header(), validPayload({ iat: nowSeconds() - 1000, exp: nowSeconds() - 10 })), expired],
      ['a future nbf', () => hs256(header(), validPayload({ nbf: nowSeconds() + 60 })), invalid],
      ['a future iat', () => hs256(header(), validPayload({ iat: nowSeconds() + 60 })), invalid],
      ['a non-numeric exp', () => hs256(header(), validPayload({ exp: String(nowSeconds() + 900) })), invalid],
      ['a wrong iss', () => hs256(header(), validPayload({ iss: 'evil' })), invalid],
      ['a wrong aud', () => hs256(header(), validPayload({ aud: 'other-api' })), invalid],
      ['an aud list without ours', () => hs256(header(), validPayload({ aud: ['a', 'b'] })), invalid],
      ['a missing exp', () => hs256(header(), without(validPayload(), 'exp')), invalid],
      ['a missing sub', () => hs256(header(), without(validPayload(), 'sub')), invalid],
      ['a missing sid', () => hs256(header(), without(validPayload(), 'sid')), invalid],
      ['an empty sub', () => hs256(header(), validPayload({ sub: '' })), invalid],
      ['a numeric sub', () => hs256(header(), validPayload({ sub: 42 })), invalid],
      ['typ JWT', () => hs256(header({ typ: 'JWT' }), validPayload()), invalid],
      ['no typ', () => hs256(without(header(), 'typ'), validPayload()), invalid],
      ['non-base64url characters', () => real().replace(/^./, '+'), invalid],
      ['base64 padding', () => `${real().split('.')[0]}=.${real().split('.').slice(1).join('.')}`, invalid],
      ['a payload that is not JSON', () => hs256(header(), 'not json'), invalid],
      ['a payload that is a JSON array', () => hs256(header(), [validPayload()]), invalid],
      ['a header that is not JSON', () => hs256('{"alg":"HS256"', validPayload()), invalid],
      ['a header that is a JSON array', () => hs256([header()], validPayload()), invalid],
      ['a huge header', () => hs256(header({ pad: 'x'.repeat(2000) }), validPayload()), invalid],
      ['a huge token', () => hs256(header(), validPayload({ pad: 'x'.repeat(10_000) })), invalid],
      ...['jku', 'jwk', 'x5u', 'x5c', 'crit'].map((name): [string, () => unknown, typeof invalid] => [
        `a ${name} header`, () => hs256(header({ [name]: name === 'jwk' ? { kty: 'oct', k: b64url(SECRET) } : 'https://attacker.example/keys' }), validPayload()), invalid,
      ]),
      ['an unknown kid', () => hs256(header({ kid: 'unknown' }), validPayload()), invalid],
      ['no kid', () => hs256(without(header(), 'kid'), validPayload()), invalid],
      ['a numeric kid', () => hs256(header({ kid: 1 }), validPayload()), invalid],
      ['an empty string', () => '', invalid],
      ['a non-string', () => 42, invalid],
      ['undefined', () => undefined, invalid],
    ];

    it.each(cases)('%s', (_name, build, error) => {
      const token = build();
      expect(() => tokens.verifyAccessToken(token)).toThrow(error());
      if (error() === AccessTokenExpiredError) return;
      expect(() => tokens.verifyAccessToken(token)).not.toThrow(AccessTokenExpiredError);
    });
  });
});

describe('TokenService: asymmetric algorithms', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = (key: KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();

  it.each([
    ['RS256', rsa, 'RSA'],
    ['ES256', ec, 'EC'],
  ] as const)('%s: sign/verify round trip, JWKS with the public key only', (algorithm, pair, kty) => {
    for (const privateKey of [pair.privateKey, pem(pair.privateKey)]) {
      const tokens = service({ algorithm, privateKey, secret: undefined });
      const { accessToken } = tokens.signAccessToken(SUBJECT);
      const { header } = decodeJwt(accessToken);
      expect(header).toEqual({ alg: algorithm, typ: 'at+jwt', kid: expect.any(String) });
      expect(tokens.verifyAccessToken(accessToken)).toMatchObject({ sub: 'user-1', sid: 'session-1', roles: ['user', 'editor'] });

      const { keys } = tokens.getJwks();
      expect(keys).toEqual([expect.objectContaining({ kty, kid: header.kid, alg: algorithm, use: 'sig' })]);
      expect(keys[0]).not.toHaveProperty('d');
      const [signingInput, signature] = [accessToken.split('.').slice(0, 2).join('.'), Buffer.from(accessToken.split('.')[2], 'base64url')];
      const jwk = createPublicKey({ key: keys[0] as never, format: 'jwk' });
      expect(verify('sha256', Buffer.from(signingInput), algorithm === 'ES256' ? { key: jwk, dsaEncoding: 'ieee-p1363' } : jwk, signature)).toBe(true);
    }
  });

  it('rejects a token signed by another key pair under the same kid', () => {
    const mine = service({ algorithm: 'ES256', privateKey: ec.privateKey, keyId: 'k1', secret: undefined });
    const theirs = service({ algorithm: 'ES256', privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, keyId: 'k1', secret: undefined });
    expect(() => mine.verifyAccessToken(theirs.signAccessToken(SUBJECT).accessToken)).toThrow(AccessTokenInvalidError);
  });

  it('with RS256 configured, an HS256 token forged with the PUBLIC key PEM as HMAC secret is rejected', () => {
    const tokens = service({ algorithm: 'RS256', privateKey: rsa.privateKey, secret: undefined });
    const kid = kidOf(tokens);
    const publicPem = pem(rsa.publicKey);
    const payload = validPayload({ roles: ['admin'] });
    expect(() => tokens.verifyAccessToken(forgeHmac({ alg: 'HS256', typ: 'at+jwt', kid }, payload, publicPem))).toThrow(AccessTokenInvalidError);
    expect(() => tokens.verifyAccessToken(forgeHmac({ alg: 'RS256', typ: 'at+jwt', kid }, payload, publicPem))).toThrow(AccessTokenInvalidError);
    // Control: the same payload properly signed with the private key passes.
    expect(tokens.verifyAccessToken(forgeAsymmetric({ alg: 'RS256', typ: 'at+jwt', kid }, payload, rsa.privateKey, 'sha256')).roles).toEqual(['admin']);
  });

  it('rejects an all-zero ES256 signature (psychic signatures)', () => {
    const tokens = service({ algorithm: 'ES256', privateKey: ec.privateKey, secret: undefined });
    const header = { alg: 'ES256', typ: 'at+jwt', kid: kidOf(tokens) };
    expect(() => tokens.verifyAccessToken(withSignature(header, validPayload(), Buffer.alloc(64)))).toThrow(AccessTokenInvalidError);
    expect(tokens.verifyAccessToken(forgeAsymmetric(header, validPayload(), ec.privateKey, 'sha256')).sub).toBe('user-1');
  });

  it('refuses EdDSA at start-up (jsonwebtoken 9 cannot do it), naming the option', () => {
    const ed = generateKeyPairSync('ed25519');
    const startUp = (jwt: JwtOptions) => () => service({ secret: undefined, ...jwt });
    const eddsa = 'EdDSA' as unknown as JwtOptions['algorithm'];
    for (const run of [startUp({ algorithm: eddsa, privateKey: ed.privateKey }), startUp({ algorithm: eddsa, privateKey: ec.privateKey })]) {
      expect(run).toThrow(TypeError);
      expect(run).toThrow(/"jwt\.algorithm" cannot be EdDSA: .*jsonwebtoken 9/);
    }
    const asVerificationKey = startUp({
      algorithm: 'ES256', privateKey: ec.privateKey, verificationKeys: [{ keyId: 'ed-old', algorithm: eddsa as never, key: ed.publicKey }],
    });
    expect(asVerificationKey).toThrow(TypeError);
    expect(asVerificationKey).toThrow(/"jwt\.verificationKeys\[0\]\.algorithm" cannot be EdDSA/);
  });

  it('rejects alg none, EdDSA and a token signed for another algorithm by the same ES256 service', () => {
    const tokens = service({ algorithm: 'ES256', privateKey: ec.privateKey, secret: undefined });
    const kid = kidOf(tokens);
    expect(() => tokens.verifyAccessToken(`${b64url({ alg: 'none', typ: 'at+jwt', kid })}.${b64url(validPayload())}.`)).toThrow(AccessTokenInvalidError);
    const ed = generateKeyPairSync('ed25519');
    expect(() => tokens.verifyAccessToken(forgeAsymmetric({ alg: 'EdDSA', typ: 'at+jwt', kid }, validPayload(), ed.privateKey, null))).toThrow(
      AccessTokenInvalidError,
    );
    expect(() => tokens.verifyAccessToken(forgeAsymmetric({ alg: 'RS256', typ: 'at+jwt', kid }, validPayload(), rsa.privateKey, 'sha256'))).toThrow(
      AccessTokenInvalidError,
    );
  });
});

describe('TokenService: key rotation (verificationKeys)', () => {
  it('HS256: a token signed by the old secret still verifies; the old kid cannot be used with the new secret', () => {
    const old = service({ secret: SECRET, keyId: 'k-old' });
    const current = service({ secret: OTHER_SECRET, keyId: 'k-new', verificationKeys: [{ keyId: 'k-old', algorithm: 'HS256', key: SECRET }] });
    const oldToken = old.signAccessToken(SUBJECT).accessToken;
    expect(current.verifyAccessToken(oldToken).sub).toBe('user-1');

    const newToken = current.signAccessToken(SUBJECT).accessToken;
    expect(decodeJwt(newToken).header.kid).toBe('k-new');
    expect(() => old.verifyAccessToken(newToken)).toThrow(AccessTokenInvalidError);
    expect(() => current.verifyAccessToken(forgeHmac({ alg: 'HS256', typ: 'at+jwt', kid: 'k-old' }, validPayload(), OTHER_SECRET))).toThrow(
      AccessTokenInvalidError,
    );
    expect(current.getJwks()).toEqual({ keys: [] });
  });

  it('asymmetric: the old public key verifies old tokens and getJwks() lists every public key', () => {
    const oldPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const newPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const old = service({ algorithm: 'RS256', privateKey: oldPair.privateKey, keyId: 'rs-old', secret: undefined });
    const current = service({
      algorithm: 'ES256', privateKey: newPair.privateKey, keyId: 'es-new', secret: undefined,
      verificationKeys: [{ keyId: 'rs-old', algorithm: 'RS256', key: oldPair.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    });
    expect(current.verifyAccessToken(old.signAccessToken(SUBJECT).accessToken).sub).toBe('user-1');
    expect(current.verifyAccessToken(current.signAccessToken(SUBJECT).accessToken).sub).toBe('user-1');

    const { keys } = current.getJwks();
    expect(keys.map((k) => [k.kid, k.alg, k.kty, k.use])).toEqual([
      ['es-new', 'ES256', 'EC', 'sig'],
      ['rs-old', 'RS256', 'RSA', 'sig'],
    ]);
    for (const key of keys) expect(key).not.toHaveProperty('d');
  });

  it('mixed: with RS256 signing and an old HS256 secret, the secret verifies only under its own kid and never appears in the JWKS', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const current = service({
      algorithm: 'RS256', privateKey: rsa.privateKey, keyId: 'rs', secret: undefined,
      verificationKeys: [{ keyId: 'hs-old', algorithm: 'HS256', key: SECRET }],
    });
    expect(current.verifyAccessToken(forgeHmac({ alg: 'HS256', typ: 'at+jwt', kid: 'hs-old' }, validPayload(), SECRET)).sub).toBe('user-1');
    expect(() => current.verifyAccessToken(forgeHmac({ alg: 'HS256', typ: 'at+jwt', kid: 'rs' }, validPayload(), SECRET))).toThrow(AccessTokenInvalidError);
    expect(current.getJwks().keys.map((k) => k.kid)).toEqual(['rs']);
  });
});

describe('TokenService: refresh tokens (v2: <user>.<session>.<secret>.<mac>)', () => {
  const tokens = service();
  const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

  it('create/parse round trip; only the hash of the secret is exposed', () => {
    const issued = tokens.createRefreshToken('user-1');
    const parts = issued.refreshToken.split('.');
    expect(parts).toHaveLength(4);
    const [user, session, secret, mac] = parts;
    expect(user).toBe(Buffer.from('user-1').toString('base64url'));
    expect(issued).toMatchObject({ userId: 'user-1', sessionId: session });
    expect(session).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mac).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(issued.secretHash).toBe(sha256(secret));

    const parsed = tokens.parseRefreshToken(issued.refreshToken);
    expect(parsed).toEqual({ userId: 'user-1', sessionId: issued.sessionId, secretHash: issued.secretHash });
    expect(Object.keys(parsed).sort()).toEqual(['secretHash', 'sessionId', 'userId']);
    expect(JSON.stringify(parsed)).not.toContain(secret);
  });

  it('each new token is new: a fresh session id and secret', () => {
    const a = tokens.createRefreshToken('user-1');
    const b = tokens.createRefreshToken('user-1');
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(a.secretHash).not.toBe(b.secretHash);
  });

  it('nextRefreshToken keeps the session, changes the secret, and is DERIVED: the same for every duplicate, on every instance', () => {
    const a = tokens.createRefreshToken('user-1');
    const next = tokens.nextRefreshToken(tokens.parseRefreshToken(a.refreshToken));
    expect(next).toMatchObject({ userId: 'user-1', sessionId: a.sessionId });
    expect(next.secretHash).not.toBe(a.secretHash);
    expect(tokens.parseRefreshToken(next.refreshToken).secretHash).toBe(next.secretHash);
    // A duplicate of the same request, here or on another instance sharing the secret, computes the same token.
    expect(tokens.nextRefreshToken(tokens.parseRefreshToken(a.refreshToken))).toEqual(next);
    expect(service().nextRefreshToken(service().parseRefreshToken(a.refreshToken))).toEqual(next);
    // The chain moves on.
    const after = tokens.nextRefreshToken(tokens.parseRefreshToken(next.refreshToken));
    expect(after.secretHash).not.toBe(next.secretHash);
    expect(after.secretHash).not.toBe(a.secretHash);
  });

  it.each(['a}b{c', 'a.b.c', 'ünïcødé-用户-🔑', '__proto__', 'x'.repeat(256)])('round-trips the user id %j', (userId) => {
    const issued = tokens.createRefreshToken(userId);
    expect(tokens.parseRefreshToken(issued.refreshToken).userId).toBe(userId);
  });

  it('refuses to mint for an empty or over-long user id (a programming error, TypeError)', () => {
    expect(() => tokens.createRefreshToken('')).toThrow(TypeError);
    expect(() => tokens.createRefreshToken('x'.repeat(257))).toThrow(TypeError);
  });

  it('finding 9: a forged secret for a real user and session id (readable in any access token) does not parse', () => {
    const good = tokens.createRefreshToken('user-1').refreshToken;
    const [user, session, , mac] = good.split('.');
    const forged = randomBytes(32).toString('base64url');
    expect(() => tokens.parseRefreshToken(`${user}.${session}.${forged}.${mac}`)).toThrow(RefreshTokenInvalidError);
    expect(() => tokens.parseRefreshToken(`${user}.${session}.${forged}.${randomBytes(16).toString('base64url')}`)).toThrow(RefreshTokenInvalidError);
    // The pre-v2 format (no MAC) is refused too.
    expect(() => tokens.parseRefreshToken(`${user}.${session}.${forged}`)).toThrow(RefreshTokenInvalidError);
    // Nor can the MAC be moved to another user or session.
    const other = tokens.createRefreshToken('user-2').refreshToken.split('.');
    expect(() => tokens.parseRefreshToken(`${other[0]}.${session}.${good.split('.')[2]}.${mac}`)).toThrow(RefreshTokenInvalidError);
    expect(() => tokens.parseRefreshToken(`${user}.${other[1]}.${good.split('.')[2]}.${mac}`)).toThrow(RefreshTokenInvalidError);
  });

  it('the server key: derived from the HS secret (instances sharing it agree), or refreshTokenKey; tokens of another key do not parse', () => {
    const issued = tokens.createRefreshToken('user-1').refreshToken;
    expect(service().parseRefreshToken(issued).userId).toBe('user-1');
    expect(() => service({ secret: OTHER_SECRET }).parseRefreshToken(issued)).toThrow(RefreshTokenInvalidError);
    const keyed = service({}, { refreshTokenKey: REFRESH_TOKEN_KEY });
    expect(() => keyed.parseRefreshToken(issued)).toThrow(RefreshTokenInvalidError);
    // With an explicit key, the JWT secret can change (rotation) and refresh tokens stay valid.
    const own = keyed.createRefreshToken('user-1').refreshToken;
    expect(service({ secret: OTHER_SECRET }, { refreshTokenKey: REFRESH_TOKEN_KEY }).parseRefreshToken(own).userId).toBe('user-1');
  });

  it('asymmetric JWT keys need refreshTokenKey (at least 32 bytes): refused at start-up, naming the option', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => new TokenService(resolveAuthOptions({ jwt: { algorithm: 'ES256', privateKey } }).jwt)).toThrow(/refreshTokenKey/);
    expect(() => resolveAuthOptions({ jwt: { algorithm: 'ES256', privateKey }, refreshTokenKey: 'short' })).toThrow(/refreshTokenKey.*32 bytes/);
    const two = [1, 2].map(() => service({ algorithm: 'ES256', privateKey, secret: undefined }));
    expect(two[1].parseRefreshToken(two[0].createRefreshToken('user-1').refreshToken).userId).toBe('user-1');
  });

  it('one spelling per token: setting the unused low bits of the last character of the secret or MAC gives a token that does not parse', () => {
    const good = tokens.createRefreshToken('user-1').refreshToken;
    const [user, session, secret, mac] = good.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const flipLow = (segment: string) => segment.slice(0, -1) + alphabet[alphabet.indexOf(segment.slice(-1)) ^ 1];
    expect(() => tokens.parseRefreshToken(`${user}.${session}.${flipLow(secret)}.${mac}`)).toThrow(RefreshTokenInvalidError);
    expect(() => tokens.parseRefreshToken(`${user}.${session}.${secret}.${flipLow(mac)}`)).toThrow(RefreshTokenInvalidError);
    expect(() => tokens.parseRefreshToken(`${user}.${flipLow(session)}.${secret}.${mac}`)).toThrow(RefreshTokenInvalidError);
  });

  describe('rejects malformed tokens with RefreshTokenInvalidError', () => {
    const good = tokens.createRefreshToken('user-1').refreshToken;
    const [user, session, secret, mac] = good.split('.');
    const cases: Array<[string, unknown]> = [
      ['empty', ''],
      ['one part', user],
      ['two parts', `${user}.${session}`],
      ['three parts', `${user}.${session}.${secret}`],
      ['five parts', `${good}.${mac}`],
      ['a short session id', `${user}.${session.slice(1)}.${secret}.${mac}`],
      ['a long session id', `${user}.${session}A.${secret}.${mac}`],
      ['a short secret', `${user}.${session}.${secret.slice(1)}.${mac}`],
      ['a long secret', `${user}.${session}.${secret}A.${mac}`],
      ['a short mac', `${user}.${session}.${secret}.${mac.slice(1)}`],
      ['a long mac', `${user}.${session}.${secret}.${mac}A`],
      ['an empty user part', `.${session}.${secret}.${mac}`],
      ['"+" in the secret', `${user}.${session}.+${secret.slice(1)}.${mac}`],
      ['"/" in the session id', `${user}.${session.slice(1)}/.${secret}.${mac}`],
      ['padding in the user part', `${user}=.${session}.${secret}.${mac}`],
      ['a space in the user part', `us er.${session}.${secret}.${mac}`],
      ['a non-canonical user part', `YWJ.${session}.${secret}.${mac}`],
      ['a user part that is not UTF-8', `_w.${session}.${secret}.${mac}`],
      ['an access JWT', service().signAccessToken(SUBJECT).accessToken],
      ['a huge string', `${'A'.repeat(10_000)}.${session}.${secret}.${mac}`],
      ['a number', 42],
      ['null', null],
      ['an object', { refreshToken: good }],
    ];

    it.each(cases)('%s', (_name, token) => {
      expect(() => tokens.parseRefreshToken(token)).toThrow(RefreshTokenInvalidError);
    });

    it('(control) the unmodified token parses', () => {
      expect(tokens.parseRefreshToken(good).sessionId).toBe(session);
    });
  });
});

