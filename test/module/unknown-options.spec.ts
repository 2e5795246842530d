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
    // Every nested object the library owns, at every depth.
    [{ jwt: { secret }, mail: { url: 'smtp://127.0.0.1:1025' } }, 'mail.url'],
    [{ jwt: { secret }, passwordReset: { url: 'https://app.example/r', ttl: 60 } }, 'passwordReset.ttl'],
    [{ jwt: { secret }, emailVerification: { url: 'https://app.example/v', sendOnRegistration: true } }, 'emailVerification.sendOnRegistration'],
    [{ jwt: { secret }, passwordChange: { enable: false } }, 'passwordChange.enable'],
    [{ jwt: { secret }, accountDeletion: { recentLoginSecs: 60 } }, 'accountDeletion.recentLoginSecs'],
    [{ jwt: { secret }, claims: { names: ['tenant'], resolve: () => ({}), maxSize: 10 } }, 'claims.maxSize'],
    [{ jwt: { secret }, hooks: { afterLogin: () => undefined } }, 'hooks.afterLogin'],
    [{ jwt: { secret }, passwordPolicy: { minimumLength: 10 } }, 'passwordPolicy.minimumLength'],
    [{ jwt: { secret }, passwordHashing: { memoryCost: 19456 } }, 'passwordHashing.memoryCost'],
    [{ jwt: { secret }, throttle: { login: { limit: 3 } } }, 'throttle.login'],
    [{ jwt: { secret }, throttle: { emailIp: { max: 3 } } }, 'throttle.emailIp.max'],
    [{ jwt: { secret }, throttle: { register: { user: { limit: 3 } } } }, 'throttle.register.user'],
    [{ jwt: { secret }, throttle: { oauthStart: { ip: { limit: 3, window: 60 } } } }, 'throttle.oauthStart.ip.window'],
    [{ jwt: { secret }, throttle: { passwordForgot: { email: { windowMS: 60 } } } }, 'throttle.passwordForgot.email.windowMS'],
    [{ jwt: { secret }, throttle: { emailVerification: { ip: { limt: 3 } } } }, 'throttle.emailVerification.ip.limt'],
    [{ jwt: { secret }, redis: { url: 'redis://127.0.0.1:6379', prefix: 'x' } }, 'redis.prefix'],
    [{ jwt: { secret }, redis: { sentinels: [{ host: 'h', port: 26379, hots: 'x' }], name: 'm' } }, 'redis.sentinels[0].hots'],
    [{ jwt: { secret }, redis: { cluster: { nodes: [{ host: 'h', port: 7000 }], node: [] } } }, 'redis.cluster.node'],
    [{ jwt: { secret, verificationKeys: [{ keyId: 'old', algorithm: 'HS256', key: secret, kid: 'x' }] } }, 'jwt.verificationKeys[0].kid'],
    [{ jwt: { secret }, registration: { emailTaken: 'generic' } }, 'registration.emailTaken'],
    [{ jwt: { secret }, oauth: { passport: { gitlab: { strategy: class {}, options: {}, mapProfile: () => ({}) } } } }, 'oauth.passport.gitlab.mapProfile'],
  ])('%j -> %s', (options, key) => {
    expect(() => resolveUntyped(options)).toThrow(TypeError);
    expect(() => resolveUntyped(options)).toThrow(new RegExp(`"?${key.replace(/[.[\]]/g, '\\$&')}"?.*not an option`));
  });

  it('accepts every documented key of the nested objects', () => {
    expect(() => resolveUntyped({
      jwt: { secret, issuer: 'i', audience: 'a', clockToleranceSeconds: 1, keyId: 'k' },
      cookie: { name: 'rt', secure: false, path: '/auth', domain: 'example.com' },
      registration: { enabled: true, defaultRoles: ['user'] },
      oauth: { google: { ...google, userInfoUrl: 'https://example.com/u', scope: ['openid', 'email'] }, stateTtlSeconds: 300 },
    })).not.toThrow();
  });

  // Prototype names are not options: `Object.hasOwn` on the known keys refuses them (a JSON `__proto__` too).
  it.each([
    ['{"jwt":{"secret":"SECRET"},"__proto__":{"isAdmin":true}}', '__proto__'],
    ['{"jwt":{"secret":"SECRET"},"mail":{"__proto__":{"smtpUrl":"smtp://evil"}}}', 'mail.__proto__'],
    ['{"jwt":{"secret":"SECRET"},"constructor":1}', 'constructor'],
    ['{"jwt":{"secret":"SECRET"},"toString":1}', 'toString'],
    ['{"jwt":{"secret":"SECRET","hasOwnProperty":1}}', 'jwt.hasOwnProperty'],
    ['{"jwt":{"secret":"SECRET"},"throttle":{"constructor":{}}}', 'throttle.constructor'],
    ['{"jwt":{"secret":"SECRET"},"throttle":{"register":{"__proto__":{"limit":1}}}}', 'throttle.register.__proto__'],
    ['{"jwt":{"secret":"SECRET"},"mail":{"templates":{"__proto__":1}}}', 'mail.templates.__proto__'],
  ])('JSON %s -> %s', (json, key) => {
    const options = JSON.parse(json.replace('SECRET', secret)) as Record<string, unknown>;
    expect(() => resolveUntyped(options)).toThrow(TypeError);
    expect(() => resolveUntyped(options)).toThrow(`"${key}"`);
  });

  it('accepts every documented key of the other nested objects', () => {
    expect(() => resolveUntyped({
      jwt: { secret, verificationKeys: [{ keyId: 'old', algorithm: 'HS256', key: secret }] },
      mail: { smtpUrl: 'smtp://127.0.0.1:1025', from: 'a@b.example', templates: { password_reset: () => ({ subject: 's', text: 't' }) } },
      passwordReset: { enabled: true, url: 'https://app.example/r', ttlSeconds: 60 },
      emailVerification: { enabled: true, url: 'https://app.example/v', ttlSeconds: 60, sendOnRegister: false },
      passwordChange: { enabled: true },
      accountDeletion: { enabled: true, recentLoginSeconds: 60 },
      claims: { names: ['tenant'], resolve: () => ({}), maxBytes: 100 },
      hooks: { beforeRegister: () => undefined, beforeLogin: () => undefined, beforeOAuthLink: () => undefined },
      passwordPolicy: { minLength: 10, rejectCommon: true, blocklist: ['acme'] },
      passwordHashing: { memoryCostKiB: 19456, timeCost: 2, parallelism: 1, maxConcurrent: 1, maxQueued: 1 },
      throttle: {
        emailIp: { limit: 1, windowMs: 1, blockMs: 1, maxBlockMs: 1 }, ip: false, account: { limit: 5 },
        register: { ip: { limit: 1, windowMs: 1 }, email: false }, oauthStart: { ip: { limit: 1 } },
        passwordForgot: { ip: { limit: 1 }, email: { windowMs: 1 } }, emailVerification: { ip: false, email: { limit: 1 } },
      },
      redis: { url: 'redis://127.0.0.1:6379', options: { lazyConnect: true }, keyPrefix: 'x', durability: 'replicated', replicationTimeoutMs: 100 },
      oauth: { github: { ...google, apiUrl: 'https://api.example.com' }, linking: 'never', providerTimeoutMs: 1000, linkMaxAuthAgeSeconds: 60 },
    })).not.toThrow();
    expect(() => resolveUntyped({
      jwt: { secret }, redis: { sentinels: [{ host: 'h', port: 26379 }], name: 'm', options: {} },
    })).not.toThrow();
    expect(() => resolveUntyped({ jwt: { secret }, redis: { cluster: { nodes: [{ host: 'h', port: 7000 }], options: {} } } })).not.toThrow();
  });
});
