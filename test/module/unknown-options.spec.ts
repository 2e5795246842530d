import { resolveAuthOptions, type AuthModuleOptions } from '../../lib/auth.options';

const secret = 'test-secret-that-is-at-least-32-bytes-long!';
const google = { clientId: 'id', clientSecret: 'secret', callbackUrl: 'https://app.example.com/auth/google/callback' };

/** Options as they arrive at run time (from JSON, env, an untyped factory): typos included. */
function resolveUntyped(options: Record<string, unknown>): unknown {
  return resolveAuthOptions(options as unknown as AuthModuleOptions);
}

describe('unknown option keys stop the app, naming the key', () => {
  it.each([
    [{ jwt: { secret }, accessTokenTtl: 60 }, 'accessTokenTtl'],
    [{ jwt: { secret, expiresIn: 60 } }, 'jwt.expiresIn'],
    [{ jwt: { secret }, cookie: { sameSite: 'lax' } }, 'cookie.sameSite'],
    [{ jwt: { secret }, registration: { enable: false } }, 'registration.enable'],
    [{ jwt: { secret }, oauth: { googel: google } }, 'oauth.googel'],
    [{ jwt: { secret }, oauth: { google: { ...google, callbackURL: 'x' } } }, 'oauth.google.callbackURL'],
    [{ jwt: { secret }, oauth: { github: { ...google, apiURL: 'x' } } }, 'oauth.github.apiURL'],
  ])('%j -> %s', (options, key) => {
    expect(() => resolveUntyped(options)).toThrow(TypeError);
    expect(() => resolveUntyped(options)).toThrow(new RegExp(`"?${key.replace(/\./g, '\\.')}"?.*not an option`));
  });

  it('accepts every documented key of the nested objects', () => {
    expect(() => resolveUntyped({
      jwt: { secret, issuer: 'i', audience: 'a', clockToleranceSeconds: 1, keyId: 'k' },
      cookie: { name: 'rt', secure: false, path: '/auth', domain: 'example.com' },
      registration: { enabled: true, defaultRoles: ['user'] },
      oauth: { google: { ...google, userInfoUrl: 'https://example.com/u', scope: ['openid', 'email'] }, stateTtlSeconds: 300 },
    })).not.toThrow();
  });
});
