import OAuth2Strategy from 'passport-oauth2';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { createOAuthStrategies } from '../../../lib/features/oauth/oauth-strategies';
import { resolveOAuthOptions } from '../../../lib/features/oauth/oauth.options';
import { TEST_SECRET } from '../../support/test-app';

const GOOGLE = { clientId: 'id', clientSecret: 'secret', callbackUrl: 'https://app.example/auth/google/callback' };
const PASSPORT = {
  strategy: OAuth2Strategy,
  options: {
    clientID: 'id', clientSecret: 'secret', callbackURL: 'https://app.example/auth/acme/callback',
    authorizationURL: 'https://acme.example/authorize', tokenURL: 'https://acme.example/token',
  },
};

describe('oauth options', () => {
  it('defaults: no providers, success redirect "/", no failure redirect, verified-email linking, create-without-email, 600 s state', () => {
    expect(resolveOAuthOptions(undefined)).toEqual({
      providers: {}, passport: {}, successRedirect: '/', failureRedirect: undefined, linking: 'verified-email',
      unverifiedEmail: 'create-without-email', stateTtlSeconds: 600, providerTimeoutMs: 5000, linkMaxAuthAgeSeconds: 300,
    });
    expect(resolveAuthOptions({ jwt: { secret: TEST_SECRET } }).oauth.providers).toEqual({});
  });

  it('fills in the real provider URLs and scopes; every URL can be overridden (GitHub Enterprise)', () => {
    const resolved = resolveOAuthOptions({
      google: GOOGLE,
      github: { ...GOOGLE, apiUrl: 'https://ghe.example/api/v3/', authorizationUrl: 'https://ghe.example/login/oauth/authorize', tokenUrl: 'https://ghe.example/login/oauth/access_token' },
    });
    expect(resolved.providers.google).toEqual({
      name: 'google', ...GOOGLE, scope: ['openid', 'email', 'profile'],
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      profileUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    });
    expect(resolved.providers.github).toMatchObject({
      name: 'github', scope: ['read:user', 'user:email'], profileUrl: 'https://ghe.example/api/v3',
      authorizationUrl: 'https://ghe.example/login/oauth/authorize', tokenUrl: 'https://ghe.example/login/oauth/access_token',
    });
  });

  it.each([
    [{ google: { ...GOOGLE, clientId: '' } }, /oauth\.google\.clientId/],
    [{ google: { ...GOOGLE, clientSecret: undefined } }, /oauth\.google\.clientSecret/],
    [{ google: { ...GOOGLE, callbackUrl: '/auth/google/callback' } }, /oauth\.google\.callbackUrl/],
    [{ google: { ...GOOGLE, tokenUrl: 'ftp://x' } }, /oauth\.google\.tokenUrl/],
    [{ google: { ...GOOGLE, userInfoUrl: 'https://user:pw@x.example' } }, /oauth\.google\.userInfoUrl/],
    [{ github: { ...GOOGLE, apiUrl: 'nope' } }, /oauth\.github\.apiUrl/],
    [{ google: { ...GOOGLE, scope: ['a b'] } }, /oauth\.google\.scope/],
    [{ linking: 'always' }, /oauth\.linking/],
    [{ unverifiedEmail: 'link' }, /oauth\.unverifiedEmail/],
    [{ stateTtlSeconds: 601 }, /oauth\.stateTtlSeconds/],
    [{ stateTtlSeconds: 0 }, /oauth\.stateTtlSeconds/],
    [{ successRedirect: '//evil.example' }, /oauth\.successRedirect/],
    [{ failureRedirect: 'javascript:alert(1)' }, /oauth\.failureRedirect/],
    [{ providerTimeoutMs: -1 }, /oauth\.providerTimeoutMs/],
    [{ linkMaxAuthAgeSeconds: 0 }, /oauth\.linkMaxAuthAgeSeconds/],
    [{ linkMaxAuthAgeSeconds: 1.5 }, /oauth\.linkMaxAuthAgeSeconds/],
    [{ passport: [] }, /oauth\.passport/],
    [{ passport: { Acme: PASSPORT } }, /oauth\.passport\.Acme/],
    [{ passport: { 'a_b': PASSPORT } }, /oauth\.passport\.a_b/],
    [{ passport: { identities: PASSPORT } }, /oauth\.passport\.identities/],
    [{ passport: { me: PASSPORT } }, /oauth\.passport\.me/],
    [{ google: GOOGLE, passport: { google: PASSPORT } }, /oauth\.passport\.google.*clashes with the built-in provider/],
    [{ passport: { acme: { ...PASSPORT, strategy: 'passport-oauth2' } } }, /oauth\.passport\.acme\.strategy/],
    [{ passport: { acme: { ...PASSPORT, options: undefined } } }, /oauth\.passport\.acme\.options/],
    [{ passport: { acme: { ...PASSPORT, options: { ...PASSPORT.options, clientID: '' } } } }, /oauth\.passport\.acme\.options\.clientID/],
    [{ passport: { acme: { ...PASSPORT, options: { ...PASSPORT.options, callbackURL: '/auth/acme/callback' } } } }, /oauth\.passport\.acme\.options\.callbackURL/],
    [{ passport: { acme: { ...PASSPORT, options: { ...PASSPORT.options, tokenURL: 'ftp://x' } } } }, /oauth\.passport\.acme\.options\.tokenURL/],
    [{ passport: { acme: { ...PASSPORT, profile: 'id' } } }, /oauth\.passport\.acme\.profile/],
  ])('refuses %j', (oauth, message) => {
    expect(() => resolveOAuthOptions(oauth as never)).toThrow(TypeError);
    expect(() => resolveOAuthOptions(oauth as never)).toThrow(message);
  });

  it('accepts site paths and absolute URLs as redirect targets', () => {
    expect(resolveOAuthOptions({ successRedirect: '/app', failureRedirect: 'https://app.example/login' })).toMatchObject({
      successRedirect: '/app', failureRedirect: 'https://app.example/login',
    });
  });

  it("a configured provider needs a cookie transport for the refresh token", () => {
    expect(() => resolveAuthOptions({ jwt: { secret: TEST_SECRET }, refreshTokenTransport: 'body', oauth: { google: GOOGLE } }))
      .toThrow(/option "oauth" needs refreshTokenTransport/);
    expect(() => resolveAuthOptions({ jwt: { secret: TEST_SECRET }, refreshTokenTransport: 'body' })).not.toThrow();
  });

  it('passport sources: any valid name (also google or github when the built-in one is left out), a default mapper, a cookie transport', () => {
    const resolved = resolveOAuthOptions({ github: GOOGLE, passport: { google: PASSPORT, 'my-idp2': PASSPORT } });
    expect(Object.keys(resolved.passport)).toEqual(['google', 'my-idp2']);
    expect(resolved.passport.google.profile({ id: 42, emails: [{ value: 'A@B.example', verified: true }] }))
      .toEqual({ id: 42, email: 'A@B.example', displayName: undefined, username: undefined });
    expect(() => resolveAuthOptions({ jwt: { secret: TEST_SECRET }, refreshTokenTransport: 'body', oauth: { passport: { acme: PASSPORT } } }))
      .toThrow(/option "oauth" needs refreshTokenTransport/);
  });

  it('a passport source must be a passport-oauth2 based strategy (refused when the module starts)', () => {
    class NotOAuth2 {
      authenticate(): void {}
    }
    const options = resolveOAuthOptions({ passport: { acme: { ...PASSPORT, strategy: NotOAuth2 } } });
    expect(() => createOAuthStrategies(options)).toThrow(/oauth\.passport\.acme\.strategy" must be a passport-oauth2 based strategy/);
    expect(createOAuthStrategies(resolveOAuthOptions({ passport: { acme: PASSPORT } })).get('acme')?.name).toBe('acme');
  });
});
