import { createSecretKey } from 'node:crypto';
import { AccessTokenExpiredError, AccessTokenInvalidError, TokenService } from '../../../lib';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { decodeJwt, forgeHmac } from '../../support/jwt-forge';

const SECRET = 'token-cache-secret-at-least-32-bytes-long';

function service(): TokenService {
  return new TokenService(resolveAuthOptions({ jwt: { secret: SECRET }, accessTokenTtlSeconds: 60 }).jwt);
}

/** The service's private caches, read to show what they hold (never written). */
function caches(tokens: TokenService): { verifiedTokens: Map<string, { token: string }>; acceptedHeaders: Map<string, unknown> } {
  const internals = tokens as unknown as { verifiedTokens: Map<string, { token: string }>; headers: { acceptedHeaders: Map<string, unknown> } };
  return { verifiedTokens: internals.verifiedTokens, acceptedHeaders: internals.headers.acceptedHeaders };
}

/** Whether the verifier remembers this exact token string. */
function remembers(tokens: TokenService, token: string): boolean {
  return [...caches(tokens).verifiedTokens.values()].some((entry) => entry.token === token);
}

const subject = { userId: 'user-1', sessionId: 'session-000000000000000', roles: ['user'] };

// The verifier remembers which exact token strings had a valid signature, and which header segments it
// accepted, to skip that work on a client's next requests. Neither may change a verdict.
describe('TokenService: verification caches', () => {
  afterEach(() => jest.useRealTimers());

  it('a token verified once verifies again with the same claims, without sharing mutable state', () => {
    const tokens = service();
    const { accessToken } = tokens.signAccessToken(subject);
    const first = tokens.verifyAccessToken(accessToken);
    expect(remembers(tokens, accessToken)).toBe(true);
    first.roles.push('admin');
    first.sub = 'someone-else';
    const second = tokens.verifyAccessToken(accessToken);
    expect(second).toEqual({ ...first, sub: 'user-1', roles: ['user'] });
    second.roles.push('admin');
    expect(tokens.verifyAccessToken(accessToken).roles).toEqual(['user']);
  });

  it('the expiry is checked on every call: a remembered token is refused once it has expired', () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const tokens = service();
    const { accessToken } = tokens.signAccessToken(subject);
    expect(tokens.verifyAccessToken(accessToken).sub).toBe('user-1');
    jest.setSystemTime(new Date('2030-01-01T00:01:06Z')); // 60 s lifetime + 5 s tolerance, and a second
    expect(() => tokens.verifyAccessToken(accessToken)).toThrow(AccessTokenExpiredError);
  });

  it('claims are checked on every call: a token with a valid signature but a wrong audience never passes', () => {
    const tokens = service();
    const { header, payload } = decodeJwt(tokens.signAccessToken(subject).accessToken);
    const otherAudience = forgeHmac(header, { ...payload, aud: 'another-api' }, createSecretKey(Buffer.from(SECRET)));
    expect(() => tokens.verifyAccessToken(otherAudience)).toThrow(AccessTokenInvalidError);
    expect(() => tokens.verifyAccessToken(otherAudience)).toThrow(AccessTokenInvalidError);
  });

  it('a token with a bad signature is refused every time and never remembered, even with a remembered header', () => {
    const tokens = service();
    const { accessToken } = tokens.signAccessToken(subject);
    tokens.verifyAccessToken(accessToken);
    const { header, payload } = decodeJwt(accessToken);
    const forged = forgeHmac(header, { ...payload, roles: ['admin'] }, 'not-the-secret-but-32-bytes-or-more!!');
    for (let i = 0; i < 3; i++) expect(() => tokens.verifyAccessToken(forged)).toThrow(AccessTokenInvalidError);
    const tampered = `${accessToken.split('.').slice(0, 2).join('.')}.${Buffer.alloc(32).toString('base64url')}`;
    expect(() => tokens.verifyAccessToken(tampered)).toThrow(AccessTokenInvalidError);
    expect(remembers(tokens, forged)).toBe(false);
    expect(remembers(tokens, tampered)).toBe(false);
    expect(caches(tokens).verifiedTokens.size).toBe(1);
  });

  it("a remembered token's signature does not vouch for another payload (the cache is keyed by the signature)", () => {
    const tokens = service();
    const { accessToken } = tokens.signAccessToken(subject);
    tokens.verifyAccessToken(accessToken);
    const [header, payload, signature] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const swapped = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${signature}`;
    for (let i = 0; i < 3; i++) expect(() => tokens.verifyAccessToken(swapped)).toThrow(AccessTokenInvalidError);
    expect(tokens.verifyAccessToken(accessToken).roles).toEqual(['user']);
  });

  it('a header refused once is refused again; a remembered header does not vouch for another kid or typ', () => {
    const tokens = service();
    const { accessToken } = tokens.signAccessToken(subject);
    tokens.verifyAccessToken(accessToken);
    const { header, payload } = decodeJwt(accessToken);
    const key = createSecretKey(Buffer.from(SECRET));
    const changes: Record<string, unknown>[] = [{ ...header, typ: 'JWT' }, { ...header, kid: 'other' }, { ...header, alg: 'HS384' }];
    for (const changed of changes) {
      const token = forgeHmac(changed, payload, key, changed.alg === 'HS384' ? 'sha384' : 'sha256');
      expect(() => tokens.verifyAccessToken(token)).toThrow(AccessTokenInvalidError);
      expect(() => tokens.verifyAccessToken(token)).toThrow(AccessTokenInvalidError);
    }
    expect(caches(tokens).acceptedHeaders.size).toBe(1);
  });

  it('both caches are bounded', () => {
    const tokens = service();
    const key = createSecretKey(Buffer.from(SECRET));
    const { header, payload } = decodeJwt(tokens.signAccessToken(subject).accessToken);
    for (let i = 0; i < 1100; i++) {
      // Distinct tokens, and distinct (still acceptable) headers.
      tokens.verifyAccessToken(forgeHmac({ ...header, n: i }, { ...payload, jti: `jti-${i}` }, key));
    }
    expect(caches(tokens).verifiedTokens.size).toBe(1024);
    expect(caches(tokens).acceptedHeaders.size).toBe(64);
    // Still correct after eviction.
    const { accessToken } = tokens.signAccessToken(subject);
    expect(tokens.verifyAccessToken(accessToken).sid).toBe(subject.sessionId);
  });
});
