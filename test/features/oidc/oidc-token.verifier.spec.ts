import { createHmac, generateKeyPairSync, type KeyObject, randomBytes, sign as signBytes } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { OidcIdTokenInvalidError, OidcLogoutTokenInvalidError, type OidcTokenFailure } from '../../../lib/features/oidc/oidc.errors';
import { OidcKeys, UNKNOWN_KID_COOLDOWN_MS } from '../../../lib/features/oidc/oidc-keys';
import { OIDC_ALGORITHMS } from '../../../lib/features/oidc/oidc.options';
import { BACKCHANNEL_LOGOUT_EVENT, verifyIdToken, verifyLogoutToken } from '../../../lib/features/oidc/oidc-token.verifier';

const ISSUER = 'https://idp.example.com/realms/acme';
const CLIENT = 'my-app';
const NONCE = randomBytes(32).toString('base64url');

interface TestKey { kid: string; privateKey: KeyObject; publicKey: KeyObject; alg: string }
function rsaKey(kid: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey, alg: 'RS256' };
}
function ecKey(kid: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, privateKey, publicKey, alg: 'ES256' };
}
const jwk = (k: TestKey) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig', alg: k.alg });

const rsa1 = rsaKey('rsa-1');
const rsa2 = rsaKey('rsa-2');
const ec1 = ecKey('ec-1');
const stranger = rsaKey('stranger');

/** A provider whose published JWKS the test changes; counts the fetches. */
function provider(initial: TestKey[]) {
  let published = initial;
  let fetches = 0;
  let time = 1_700_000_000_000;
  const keys = new OidcKeys(async () => (fetches++, { keys: published.map(jwk) }), 3_600_000, () => time);
  return {
    keys,
    publish: (next: TestKey[]) => (published = next),
    fetches: () => fetches,
    advance: (ms: number) => (time += ms),
    now: () => time,
  };
}

function claims(overrides: Record<string, unknown> = {}, now = Math.floor(Date.now() / 1000)) {
  return { iss: ISSUER, aud: CLIENT, sub: 'user-1', iat: now, exp: now + 300, nonce: NONCE, ...overrides };
}
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function idToken(key: TestKey, payload: object = claims(), header: Record<string, unknown> = {}): string {
  return sign(payload, key.privateKey, { algorithm: key.alg as 'RS256', header: { alg: key.alg, kid: key.kid, ...header } as never });
}

/** RS256 by hand, for payloads jsonwebtoken refuses to sign (no exp, no iat). */
function rawRs256(key: TestKey, payload: object): string {
  const data = `${b64({ alg: 'RS256', kid: key.kid })}.${b64(payload)}`;
  return `${data}.${signBytes('sha256', Buffer.from(data), key.privateKey).toString('base64url')}`;
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OidcIdTokenInvalidError || error instanceof OidcLogoutTokenInvalidError) return `${error.code}:${error.reason}`;
    throw error;
  }
  return 'accepted';
}

describe('verifyIdToken (real RSA/EC keys, node:crypto JWKs, jsonwebtoken)', () => {
  const check = (keys: OidcKeys, nonce = NONCE) => ({ keys, issuer: ISSUER, clientId: CLIENT, algorithms: [...OIDC_ALGORITHMS], clockToleranceSeconds: 60, nonce });

  it('accepts a token of the provider (RS256 and ES256), returning its claims', async () => {
    const p = provider([rsa1, ec1]);
    expect((await verifyIdToken(idToken(rsa1), check(p.keys))).sub).toBe('user-1');
    expect((await verifyIdToken(idToken(ec1), check(p.keys))).sub).toBe('user-1');
  });

  it.each([
    ['a flipped signature bit', () => { const t = idToken(rsa1).split('.'); const s = Buffer.from(t[2], 'base64url'); s[5] ^= 1; return [t[0], t[1], s.toString('base64url')].join('.'); }, 'signature'],
    ['another payload under the signature', () => { const t = idToken(rsa1).split('.'); return [t[0], b64(claims({ sub: 'admin' })), t[2]].join('.'); }, 'signature'],
    ['another key under a known kid', () => idToken({ ...stranger, kid: 'rsa-1' }), 'signature'],
    ['another audience', () => idToken(rsa1, claims({ aud: 'someone-else' })), 'audience'],
    ['another issuer', () => idToken(rsa1, claims({ iss: `${ISSUER}-evil` })), 'issuer'],
    ['an issuer differing by a trailing slash', () => idToken(rsa1, claims({ iss: `${ISSUER}/` })), 'issuer'],
    ['another nonce', () => idToken(rsa1, claims({ nonce: 'not-this-sign-in' })), 'nonce'],
    ['no nonce', () => idToken(rsa1, claims({ nonce: undefined })), 'nonce'],
    ['expired beyond the leeway', () => idToken(rsa1, claims({ iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 61 })), 'expired'],
    ['no exp', () => rawRs256(rsa1, claims({ exp: undefined })), 'expired'],
    ['iat in the future beyond the leeway', () => idToken(rsa1, claims({ iat: Math.floor(Date.now() / 1000) + 600 })), 'iat'],
    ['no iat', () => rawRs256(rsa1, claims({ iat: undefined })), 'iat'],
    ['nbf in the future', () => idToken(rsa1, claims({ nbf: Math.floor(Date.now() / 1000) + 600 })), 'not_yet_valid'],
    ['several audiences without azp', () => idToken(rsa1, claims({ aud: [CLIENT, 'other'] })), 'azp'],
    ['an azp that is another client', () => idToken(rsa1, claims({ azp: 'other' })), 'azp'],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, 'algorithm'],
    ['alg NONE in capitals', () => `${b64({ alg: 'NONE' })}.${b64(claims())}.`, 'algorithm'],
    ['HS256 keyed with the public key (PEM)', () => hs256(rsa1.publicKey.export({ type: 'spki', format: 'pem' }) as string), 'algorithm'],
    ['HS256 keyed with the public JWK', () => hs256(JSON.stringify(jwk(rsa1))), 'algorithm'],
    ['an RS256 header on an EC key id', () => idToken({ ...stranger, kid: 'ec-1' }), 'unknown_key'],
    ['an unknown kid', () => idToken({ ...stranger, kid: 'nobody' }), 'unknown_key'],
    ['no sub', () => idToken(rsa1, claims({ sub: undefined })), 'subject'],
    ['a logout token passed off as an id_token', () => idToken(rsa1, claims({ events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } }), { typ: 'logout+jwt' }), 'malformed'],
    ['not a JWT', () => 'not.a.jwt', 'malformed'],
    ['a 20 KB token', () => 'a'.repeat(20_000), 'malformed'],
  ])('refuses %s (oidc_id_token_invalid:%s)', async (_name, make, reason) => {
    const p = provider([rsa1, ec1]);
    expect(await reasonOf(verifyIdToken(make(), check(p.keys)))).toBe(`oidc_id_token_invalid:${reason}`);
  });

  function hs256(secret: string): string {
    const head = b64({ alg: 'HS256', kid: 'rsa-1' });
    const body = b64(claims());
    return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
  }

  it('an algorithm left out of allowedAlgorithms is refused even with a good key', async () => {
    const p = provider([rsa1, ec1]);
    expect(await reasonOf(verifyIdToken(idToken(ec1), { ...check(p.keys), algorithms: ['RS256'] }))).toBe('oidc_id_token_invalid:algorithm');
  });

  it('key rotation: a new kid makes one refetch and verifies; a flood of unknown kids refetches at most once per cooldown', async () => {
    const p = provider([rsa1]);
    await verifyIdToken(idToken(rsa1), check(p.keys));
    expect(p.fetches()).toBe(1);
    p.publish([rsa2, rsa1]);
    await verifyIdToken(idToken(rsa2), check(p.keys));
    expect(p.fetches()).toBe(2);
    // That refetch started the cooldown: a flood of made-up kids now costs the provider nothing.
    for (let i = 0; i < 20; i++) expect(await reasonOf(verifyIdToken(idToken({ ...stranger, kid: `fake-${i}` }), check(p.keys)))).toBe('oidc_id_token_invalid:unknown_key');
    expect(p.fetches()).toBe(2);
    p.advance(UNKNOWN_KID_COOLDOWN_MS);
    await reasonOf(verifyIdToken(idToken({ ...stranger, kid: 'fake-again' }), check(p.keys)));
    expect(p.fetches()).toBe(3);
    // A key removed by the provider stops verifying at the next load.
    p.publish([rsa2]);
    p.advance(3_600_000);
    expect(await reasonOf(verifyIdToken(idToken(rsa1), check(p.keys)))).toBe('oidc_id_token_invalid:unknown_key');
  });

  it('a token without kid verifies only when exactly one key fits its algorithm', async () => {
    const unsigned = (key: TestKey) => sign(claims(), key.privateKey, { algorithm: key.alg as 'RS256' });
    expect((await verifyIdToken(unsigned(rsa1), check(provider([rsa1, ec1]).keys))).sub).toBe('user-1');
    expect(await reasonOf(verifyIdToken(unsigned(rsa1), check(provider([rsa1, rsa2]).keys)))).toBe('oidc_id_token_invalid:unknown_key');
  });

  it('encryption keys and symmetric keys in the JWKS are never used for signatures', async () => {
    const keys = new OidcKeys(async () => ({ keys: [{ ...jwk(rsa1), use: 'enc' }, { kty: 'oct', k: 'c2VjcmV0', kid: 'rsa-1' }] }), 60_000);
    expect(await reasonOf(verifyIdToken(idToken(rsa1), check(keys)))).toBe('oidc_id_token_invalid:unknown_key');
  });
});

describe('verifyLogoutToken', () => {
  const fail = (reason: OidcTokenFailure) => new OidcLogoutTokenInvalidError(reason);
  const check = (keys: OidcKeys) => ({ keys, issuer: ISSUER, clientId: CLIENT, algorithms: [...OIDC_ALGORITHMS], clockToleranceSeconds: 60 });
  const logout = (overrides: Record<string, unknown> = {}) =>
    idToken(rsa1, claims({ nonce: undefined, sid: 'sid-1', jti: 'j1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...overrides }), { typ: 'logout+jwt' });

  it('accepts a logout token; refuses one without the event, with a nonce (an id_token), without sub and sid, without jti, signed by another key', async () => {
    const { keys } = provider([rsa1]);
    expect(await verifyLogoutToken(logout(), check(keys), fail)).toMatchObject({ sub: 'user-1', sid: 'sid-1', jti: 'j1' });
    expect(await reasonOf(verifyLogoutToken(logout({ events: undefined }), check(keys), fail))).toBe('oidc_logout_token_invalid:events');
    expect(await reasonOf(verifyLogoutToken(logout({ nonce: NONCE }), check(keys), fail))).toBe('oidc_logout_token_invalid:malformed');
    expect(await reasonOf(verifyLogoutToken(logout({ sub: undefined, sid: undefined }), check(keys), fail))).toBe('oidc_logout_token_invalid:subject');
    expect(await reasonOf(verifyLogoutToken(logout({ jti: undefined }), check(keys), fail))).toBe('oidc_logout_token_invalid:malformed');
    expect(await reasonOf(verifyLogoutToken(logout({ aud: 'other' }), check(keys), fail))).toBe('oidc_logout_token_invalid:audience');
    const forged = logout().split('.');
    expect(await reasonOf(verifyLogoutToken([forged[0], b64({ ...claims(), sub: 'x' }), forged[2]].join('.'), check(keys), fail))).toBe('oidc_logout_token_invalid:signature');
  });
});
