import { generateKeyPairSync } from 'node:crypto';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { resolveOidcOptions } from '../../../lib/features/oidc/oidc.options';

const valid = { issuer: 'https://idp.example.com/realms/acme', clientId: 'app', clientSecret: 's', callbackUrl: 'https://app.example.com/auth/acme/callback' };

describe('oidc options', () => {
  it('applies the defaults', () => {
    expect(resolveOidcOptions({ acme: valid }).acme).toMatchObject({
      name: 'acme', scopes: ['openid', 'email', 'profile'], clockToleranceSeconds: 60, discoveryTtlMs: 3_600_000, discoveryRetryMs: 5000,
      claims: { email: 'email', emailVerified: 'email_verified', name: 'name' }, allowedAlgorithms: expect.arrayContaining(['RS256', 'ES256', 'PS256']),
    });
    expect(resolveOidcOptions(undefined)).toEqual({});
  });

  it.each([
    [{ acme: { ...valid, clientSecrte: 'typo' } }, /oidc\.acme.*clientSecrte/],
    [{ acme: { ...valid, claims: { mail: 'x' } } }, /oidc\.acme\.claims.*mail/],
    [{ acme: { ...valid, scopes: ['email'] } }, /oidc\.acme\.scopes.*openid/],
    [{ acme: { ...valid, allowedAlgorithms: ['HS256'] } }, /oidc\.acme\.allowedAlgorithms/],
    [{ acme: { ...valid, allowedAlgorithms: ['none'] } }, /oidc\.acme\.allowedAlgorithms/],
    [{ acme: { ...valid, allowedAlgorithms: [] } }, /oidc\.acme\.allowedAlgorithms/],
    [{ acme: { ...valid, issuer: 'http://idp.example.com' } }, /oidc\.acme\.issuer.*https/],
    [{ acme: { ...valid, issuer: 'not a url' } }, /oidc\.acme\.issuer/],
    [{ acme: { ...valid, clientId: '' } }, /oidc\.acme\.clientId/],
    [{ acme: { ...valid, tokenEndpointAuthMethod: 'none' } }, /oidc\.acme\.tokenEndpointAuthMethod/],
    [{ acme: { ...valid, clockToleranceSeconds: 3600 } }, /oidc\.acme\.clockToleranceSeconds/],
    [{ 'Bad Name': valid }, /oidc\.Bad Name.*invalid name/],
    [{ login: valid }, /oidc\.login.*invalid name/],
    [{ acme: 'x' }, /oidc\.acme" must be an object/],
  ])('refuses %j', (given, message) => {
    expect(() => resolveOidcOptions(given as never)).toThrow(message);
  });

  it('privateKeyJwt instead of clientSecret: exactly one of them; the algorithm follows the key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const { clientSecret: _s, ...noSecret } = valid;
    const resolved = resolveOidcOptions({ acme: { ...noSecret, privateKeyJwt: { privateKey: pem, keyId: 'k1' } } }).acme;
    expect(resolved).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', privateKeyJwt: { algorithm: 'ES384', keyId: 'k1' } });
    expect(() => resolveOidcOptions({ acme: { ...valid, privateKeyJwt: { privateKey: pem } } })).toThrow(/exactly one of clientSecret and privateKeyJwt/);
    expect(() => resolveOidcOptions({ acme: noSecret as never })).toThrow(/exactly one of clientSecret and privateKeyJwt/);
    expect(() => resolveOidcOptions({ acme: { ...noSecret, privateKeyJwt: { privateKey: pem, algorithm: 'ES256' } } })).toThrow(/privateKeyJwt\.privateKey/);
    expect(() => resolveOidcOptions({ acme: { ...noSecret, privateKeyJwt: { privateKey: 'not a key' } } })).toThrow(/privateKeyJwt\.privateKey/);
    expect(() => resolveOidcOptions({ acme: { ...noSecret, privateKeyJwt: { privateKey: pem, kid: 'x' } as never } })).toThrow(/privateKeyJwt.*kid/);
  });

  it('an http issuer is allowed on loopback only (a local test provider)', () => {
    expect(resolveOidcOptions({ acme: { ...valid, issuer: 'http://127.0.0.1:4000' } }).acme.issuer).toBe('http://127.0.0.1:4000');
  });

  it('through AuthModule options: a name taken by an OAuth source is refused; body-only refresh transport is refused', () => {
    const base = { jwt: { secret: 'x'.repeat(32) } };
    const google = { clientId: 'g', clientSecret: 's', callbackUrl: 'https://app.example.com/auth/google/callback' };
    expect(() => resolveAuthOptions({ ...base, oauth: { google }, oidc: { google: valid } })).toThrow(/oidc\.google.*clashes/);
    expect(() => resolveAuthOptions({ ...base, refreshTokenTransport: 'body', oidc: { acme: valid } })).toThrow(/refreshTokenTransport/);
    expect(resolveAuthOptions({ ...base, oidc: { acme: valid } }).oidc.acme.clientId).toBe('app');
  });
});
