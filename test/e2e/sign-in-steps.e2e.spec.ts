import { ManualClock } from 'nestjs-authkit/testing';
import { OfficeHoursStep } from '../examples/office-hours/office-hours.step';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { Browser, cookieValue, createOAuthApp, type OAuthTestApp } from '../support/oauth-harness';
import { RedisKeys } from '../../lib/adapters/redis/redis-keys';
import { sessionRecordCount } from '../support/redis-client';
import { http, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery';
/** Wednesday 2030-01-09. */
const WEDNESDAY_10H = Date.UTC(2030, 0, 9, 10, 0, 0);
const WEDNESDAY_20H = Date.UTC(2030, 0, 9, 20, 0, 0);

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('an app-defined sign-in step (OfficeHoursStep, public API only; real HTTP, real Redis, local OAuth provider)', () => {
  let provider: LocalOAuthProvider;
  let t: OAuthTestApp;
  let browser: Browser;
  const clock = new ManualClock();
  const setTime = (at: number) => clock.advance(at - clock.now());

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
    t = await createOAuthApp(provider, { auth: { signInSteps: [new OfficeHoursStep(clock.now)] } });
    browser = new Browser(t);
  });

  afterAll(async () => {
    await t?.close();
    await provider?.stop();
  });

  it('password: registration and login in office hours work (amr pwd, auth_time); outside them login is 403 outside_office_hours and no session is created', async () => {
    setTime(WEDNESDAY_10H);
    const email = uniqueEmail('office');
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(reg.status).toBe(201);
    expect(claimsOf(reg.body.accessToken)).toMatchObject({ amr: ['pwd'], auth_time: expect.any(Number) });
    const login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(claimsOf(login.body.accessToken).amr).toEqual(['pwd']);
    const me = await http(t.url, 'GET', '/auth/me', { token: login.body.accessToken });
    expect(me.body.amr).toEqual(['pwd']);
    const sessions = await sessionRecordCount(t.redis, new RedisKeys(t.keyPrefix).sessions(reg.body.user.id));

    setTime(WEDNESDAY_20H);
    const refused = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('outside_office_hours');
    expect(refused.body.accessToken).toBeUndefined();
    expect(await sessionRecordCount(t.redis, new RedisKeys(t.keyPrefix).sessions(reg.body.user.id))).toBe(sessions);
    // A wrong password is still a wrong password: the step runs only after the primary factor succeeded.
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: 'wrong horse battery' } })).body.code).toBe('invalid_credentials');
    // Registration signs the new user in: refused too (the account exists, no session).
    const late = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('late'), password: PASSWORD } });
    expect(late.status).toBe(403);
    expect(late.body.code).toBe('outside_office_hours');
  });

  it('OAuth: the callback in office hours signs in (amr oauth); outside them it is 403 outside_office_hours without a refresh cookie', async () => {
    setTime(WEDNESDAY_10H);
    const account = provider.addGoogleAccount({ sub: `10${Date.now()}1`, email: uniqueEmail('og'), email_verified: true, name: 'Office' });
    const { result } = await browser.signIn('google', account);
    expect(result.status).toBe(302);
    const { me, accessToken } = await browser.me(result);
    expect(me.body.amr).toEqual(['oauth']);
    expect(claimsOf(accessToken).amr).toEqual(['oauth']);

    setTime(WEDNESDAY_20H);
    const { result: refused } = await browser.signIn('google', account);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('outside_office_hours');
    expect(cookieValue(refused.setCookie, 'authkit_rt')).toBeUndefined();
  });

  it('a refresh keeps the session amr and auth_time (and a refresh is not a sign-in: the step does not run)', async () => {
    setTime(WEDNESDAY_10H);
    const email = uniqueEmail('refresh');
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    const first = claimsOf(reg.body.accessToken);
    setTime(WEDNESDAY_20H);
    const refreshed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: reg.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    const second = claimsOf(refreshed.body.accessToken);
    expect(second.amr).toEqual(['pwd']);
    expect(second.auth_time).toBe(first.auth_time);
  });
});
