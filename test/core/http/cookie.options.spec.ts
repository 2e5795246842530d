import { resolveCookieOptions } from '../../../lib/core/http/cookie.options';

const MAX_AGE = 2_592_000;

/** Resolves the transport options with `NODE_ENV` set to `env` (deleted when undefined), then restores it. */
function withNodeEnv<T>(env: string | undefined, run: () => T): T {
  const saved = process.env.NODE_ENV;
  if (env === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = env;
  try {
    return run();
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
}

describe('resolveCookieOptions: the refresh cookie is Secure unless the app says it is in development', () => {
  it.each([[undefined], ['staging'], ['production'], [''], ['Development'], ['dev'], ['testing']])(
    'NODE_ENV=%p -> Secure, with the __Secure- prefix',
    (env) => {
      const { cookie } = withNodeEnv(env, () => resolveCookieOptions({}, MAX_AGE));
      expect(cookie).toEqual({ secure: true, name: '__Secure-authkit_rt' });
    },
  );

  it.each([['development'], ['test']])('NODE_ENV=%p -> not Secure, unprefixed name', (env) => {
    const { cookie } = withNodeEnv(env, () => resolveCookieOptions({}, MAX_AGE));
    expect(cookie).toEqual({ secure: false, name: 'authkit_rt' });
  });

  it('an explicit cookie.secure wins over NODE_ENV, both ways', () => {
    expect(withNodeEnv('production', () => resolveCookieOptions({ cookie: { secure: false } }, MAX_AGE)).cookie.secure).toBe(false);
    expect(withNodeEnv('development', () => resolveCookieOptions({ cookie: { secure: true } }, MAX_AGE)).cookie)
      .toEqual({ secure: true, name: '__Secure-authkit_rt' });
  });
});

describe('resolveCookieOptions: names, transport, origins', () => {
  const resolve = (options: Parameters<typeof resolveCookieOptions>[0]) => resolveCookieOptions(options, MAX_AGE);

  it('defaults: cookie transport, no extra origins, the max age passed in, the other cookie fields kept', () => {
    expect(resolve({ cookie: { secure: true, path: '/api/auth', domain: 'example.com' } })).toEqual({
      refreshTokenTransport: 'cookie',
      cookie: { secure: true, path: '/api/auth', domain: 'example.com', name: '__Secure-authkit_rt' },
      allowedOrigins: [], clearSiteDataOnLogout: false,
      maxAgeSeconds: MAX_AGE,
    });
    expect(resolve({ refreshTokenTransport: 'both', allowedOrigins: ['https://a.example'] })).toMatchObject({
      refreshTokenTransport: 'both', allowedOrigins: ['https://a.example'],
    });
  });

  it('a configured name keeps an existing __Secure- or __Host- prefix and gains __Secure- otherwise', () => {
    expect(resolve({ cookie: { secure: true, name: 'rt' } }).cookie.name).toBe('__Secure-rt');
    expect(resolve({ cookie: { secure: true, name: '__Secure-rt' } }).cookie.name).toBe('__Secure-rt');
    expect(resolve({ cookie: { secure: true, name: '__Host-rt', path: '/' } }).cookie.name).toBe('__Host-rt');
    expect(resolve({ cookie: { secure: false, name: 'rt' } }).cookie.name).toBe('rt');
    // The prefix counts only at the start of the name.
    expect(resolve({ cookie: { secure: false, name: 'x__Secure-rt' } }).cookie.name).toBe('x__Secure-rt');
    expect(resolve({ cookie: { secure: true, name: 'x__Host-rt' } }).cookie.name).toBe('__Secure-x__Host-rt');
  });

  it('accepts each transport by name', () => {
    for (const transport of ['cookie', 'body', 'both'] as const) {
      expect(resolve({ refreshTokenTransport: transport }).refreshTokenTransport).toBe(transport);
    }
  });

  it.each([
    [{ cookie: { secure: false, name: '__Secure-rt' } }, /cookie\.name.*Secure cookie/],
    [{ cookie: { secure: false, name: '__Host-rt' } }, /cookie\.name.*Secure cookie/],
    [{ cookie: { secure: true, name: '__Host-rt' } }, /cookie\.name.*__Host-.*path "\/"/],
    [{ cookie: { secure: true, name: '__Host-rt', path: '/auth' } }, /cookie\.name.*__Host-/],
    [{ cookie: { secure: true, name: '__Host-rt', path: '/', domain: 'example.com' } }, /cookie\.name.*__Host-/],
    [{ cookie: { secure: true, name: 'a b' } }, /cookie\.name.*cookie name token/],
    [{ cookie: { secure: true, name: '' } }, /cookie\.name/],
    [{ cookie: { secure: true, name: 'x'.repeat(65) } }, /cookie\.name/],
    [{ cookie: { secure: true, name: 7 as unknown as string } }, /cookie\.name/],
    [{ refreshTokenTransport: 'header' as 'cookie' }, /refreshTokenTransport/],
    [{ allowedOrigins: 'https://a.example' as unknown as string[] }, /allowedOrigins/],
  ])('%j is refused, naming the option', (options, message) => {
    expect(() => resolve(options)).toThrow(TypeError);
    expect(() => resolve(options)).toThrow(message);
  });

  it('accepts a 64-character name and every token character', () => {
    expect(resolve({ cookie: { secure: false, name: 'x'.repeat(64) } }).cookie.name).toHaveLength(64);
    expect(resolve({ cookie: { secure: false, name: "!#$%&'*+-.^_`|~09AZaz" } }).cookie.name).toBe("!#$%&'*+-.^_`|~09AZaz");
  });
});
