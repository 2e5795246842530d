import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { b64url, decodeJwt, forgeAsymmetric, forgeHmac, withSignature } from '../support/jwt-forge';
import { http, TEST_SECRET, uniqueEmail } from '../support/test-app';
import { type AbuseApp, createAbuseApp, strongPassword } from '../support/abuse-app';

type Claims = Record<string, unknown>;

const REJECTED_CODES = ['access_token_invalid', 'access_token_expired', 'access_token_missing'];

/** Every attack must end in 401 with the library's body and a WWW-Authenticate challenge; never 5xx. */
async function expectRejected(t: AbuseApp, token: string, expectedCode?: string): Promise<void> {
  const res = await http(t.url, 'GET', '/profile', { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(401);
  expect(REJECTED_CODES).toContain(res.body.code);
  if (expectedCode) expect(res.body.code).toBe(expectedCode);
  expect(res.body).toEqual({ statusCode: 401, code: res.body.code, message: expect.any(String) });
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
}

async function session(t: AbuseApp): Promise<{ token: string; header: Claims; payload: Claims }> {
  const res = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('jwt'), password: strongPassword() } });
  expect(res.status).toBe(201);
  const { header, payload } = decodeJwt(res.body.accessToken);
  return { token: res.body.accessToken, header, payload };
}

/** A local server standing in for attacker-controlled key URLs: it must never be called. */
async function trapServer(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits += 1;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/keys`, hits: () => hits, close: () => new Promise((r) => server.close(() => r())) };
}

describe('JWT attack suite, HS256 (RFC 8725)', () => {
  let t: AbuseApp;
  let header: Claims;
  let payload: Claims;
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (h: Claims, p: Claims, secret: string = TEST_SECRET, digest = 'sha256') => forgeHmac(h, p, secret, digest);

  beforeAll(async () => {
    t = await createAbuseApp({}, { maxHeaderSize: 256 * 1024 });
    ({ header, payload } = await session(t));
  });

  afterAll(async () => {
    await t?.close();
  });

  it('control: a token forged with the right key and claims is accepted (so the rejections below are the attacks)', async () => {
    const res = await http(t.url, 'GET', '/profile', { token: sign(header, { ...payload, jti: 'x' }) });
    expect(res.status).toBe(200);
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('alg "%s", with and without a signature', async (alg) => {
    const unsigned = `${b64url({ ...header, alg })}.${b64url(payload)}`;
    await expectRejected(t, `${unsigned}.`);
    await expectRejected(t, unsigned);
    await expectRejected(t, sign({ ...header, alg }, payload));
  });

  it('signature stripped, payload edited (roles: admin), signed with another secret, HS512 with the right secret', async () => {
    const [h, p, s] = sign(header, payload).split('.');
    await expectRejected(t, `${h}.${p}.`);
    await expectRejected(t, `${h}.${b64url({ ...payload, roles: ['admin'] })}.${s}`);
    await expectRejected(t, sign(header, { ...payload, roles: ['admin'] }, 'another-secret-that-is-32-bytes-long!!'));
    await expectRejected(t, sign({ ...header, alg: 'HS512' }, payload, TEST_SECRET, 'sha512'));
  });

  it('jwk / jku / x5u / x5c / crit headers are refused, and no outbound request is made', async () => {
    const trap = await trapServer();
    try {
      const attackerSecret = 'attacker-secret-that-is-32-bytes-long!';
      const jwk = { kty: 'oct', k: Buffer.from(attackerSecret).toString('base64url') };
      await expectRejected(t, sign({ ...header, jwk }, payload, attackerSecret));
      await expectRejected(t, sign({ ...header, jwk }, payload));
      await expectRejected(t, sign({ ...header, jku: trap.url }, payload));
      await expectRejected(t, sign({ ...header, x5u: trap.url }, payload));
      await expectRejected(t, sign({ ...header, x5c: ['MIIB'] }, payload));
      await expectRejected(t, sign({ ...header, crit: ['exp'] }, payload));
      expect(trap.hits()).toBe(0);
    } finally {
      await trap.close();
    }
  });

  it.each([
    ['path traversal', '../../../../../../dev/null'],
    ['SQL', "' OR '1'='1"],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['2 000 characters', 'k'.repeat(2000)],
    ['an object', { $ne: null }],
    ['a number', 0],
    ['an array', ['a']],
    ['empty', ''],
  ])('hostile kid: %s', async (_name, kid) => {
    await expectRejected(t, sign({ ...header, kid }, payload));
  });

  it('missing exp; expired beyond the tolerance; future nbf; future iat; wrong iss; wrong aud; missing sub or sid', async () => {
    const { exp: _exp, ...noExp } = payload;
    await expectRejected(t, sign(header, noExp));
    await expectRejected(t, sign(header, { ...payload, iat: now() - 120, exp: now() - 60 }), 'access_token_expired');
    await expectRejected(t, sign(header, { ...payload, nbf: now() + 60 }));
    await expectRejected(t, sign(header, { ...payload, iat: now() + 3600 }));
    await expectRejected(t, sign(header, { ...payload, exp: 'never' }));
    await expectRejected(t, sign(header, { ...payload, iss: 'https://evil.example' }));
    await expectRejected(t, sign(header, { ...payload, aud: 'another-api' }));
    await expectRejected(t, sign(header, { ...payload, aud: [] }));
    const { sub: _sub, ...noSub } = payload;
    const { sid: _sid, ...noSid } = payload;
    await expectRejected(t, sign(header, noSub));
    await expectRejected(t, sign(header, noSid));
  });

  it('typ other than at+jwt, or none', async () => {
    await expectRejected(t, sign({ ...header, typ: 'JWT' }, payload));
    const { typ: _typ, ...noTyp } = header;
    await expectRejected(t, sign(noTyp, payload));
  });

  it('malformed: two and four segments, bad base64, non-JSON, JSON arrays, a 64 KB header, a 64 KB token', async () => {
    const good = sign(header, payload);
    const [h, p, s] = good.split('.');
    await expectRejected(t, `${h}.${p}`);
    await expectRejected(t, `${good}.${s}`);
    await expectRejected(t, `${h}.${p}.***`);
    await expectRejected(t, `${h}%.${p}.${s}`);
    await expectRejected(t, `${b64url('not json')}.${p}.${s}`);
    await expectRejected(t, sign([] as unknown as Claims, payload));
    await expectRejected(t, `${b64url({ ...header, pad: 'x'.repeat(64 * 1024) })}.${p}.${s}`);
    await expectRejected(t, sign(header, { ...payload, pad: 'x'.repeat(64 * 1024) }));
  });

  it('a token in ?access_token= is never read; neither is an empty or non-Bearer Authorization', async () => {
    const good = sign(header, payload);
    const query = await http(t.url, 'GET', `/profile?access_token=${good}`);
    expect(query.status).toBe(401);
    expect(query.body.code).toBe('access_token_missing');
    for (const authorization of ['Bearer', 'Bearer ', `Basic ${good}`, `Bearer ${good} extra`, good]) {
      const res = await http(t.url, 'GET', '/profile', { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(REJECTED_CODES).toContain(res.body.code);
    }
  });
});

function rsaKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

describe('JWT attack suite, asymmetric keys', () => {
  it('RS256: HS256 forged with the public key as the HMAC secret (PEM and DER), alg none, RS512 re-signed', async () => {
    const { privateKey, publicKey } = rsaKeys();
    const t = await createAbuseApp({ jwt: { algorithm: 'RS256', privateKey }, refreshTokenKey: randomBytes(32) });
    try {
      const { token, header, payload } = await session(t);
      expect((await http(t.url, 'GET', '/profile', { token })).status).toBe(200);
      const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const der = publicKey.export({ type: 'spki', format: 'der' });
      await expectRejected(t, forgeHmac({ ...header, alg: 'HS256' }, payload, pem));
      await expectRejected(t, forgeHmac({ ...header, alg: 'HS256' }, payload, der));
      await expectRejected(t, forgeHmac({ ...header, alg: 'HS256' }, payload, publicKey.export({ type: 'pkcs1', format: 'pem' }) as string));
      await expectRejected(t, `${b64url({ ...header, alg: 'none' })}.${b64url(payload)}.`);
      await expectRejected(t, forgeAsymmetric({ ...header, alg: 'RS512' }, payload, privateKey, 'sha512'));
      // Another RSA key with the same kid.
      await expectRejected(t, forgeAsymmetric(header, { ...payload, roles: ['admin'] }, rsaKeys().privateKey, 'sha256'));
      // Control: the right key still verifies a forged-by-us token.
      expect((await http(t.url, 'GET', '/profile', { token: forgeAsymmetric(header, payload, privateKey, 'sha256') })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('ES256: an all-zero signature (CVE-2022-21449 "psychic signature"), a DER signature, HS256 with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const t = await createAbuseApp({ jwt: { algorithm: 'ES256', privateKey }, refreshTokenKey: randomBytes(32) });
    try {
      const { token, header, payload } = await session(t);
      expect((await http(t.url, 'GET', '/profile', { token })).status).toBe(200);
      await expectRejected(t, withSignature(header, payload, Buffer.alloc(64)));
      await expectRejected(t, withSignature(header, { ...payload, roles: ['admin'] }, Buffer.alloc(64)));
      await expectRejected(t, withSignature(header, payload, Buffer.alloc(0)));
      await expectRejected(t, withSignature(header, payload, Buffer.from('3006020100020100', 'hex'))); // DER r=0, s=0
      await expectRejected(t, forgeHmac({ ...header, alg: 'HS256' }, payload, publicKey.export({ type: 'spki', format: 'pem' }) as string));
      expect((await http(t.url, 'GET', '/profile', { token: forgeAsymmetric(header, payload, privateKey, 'sha256') })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
