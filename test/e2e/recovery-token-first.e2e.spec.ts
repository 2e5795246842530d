import { randomBytes } from 'node:crypto';
import { UserStore } from '../../lib';
import { RECOVERY_ROUTE_LIMITS as DEFAULT_ROUTE_LIMITS } from '../../lib/features/recovery/recovery.route-limits';
import { createAbuseApp, type AbuseApp } from '../support/abuse-app';
import { LocalSmtpServer } from '../support/smtp-server';
import { http, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';
const RESET_URL = 'https://app.example/reset-password';
const VERIFY_URL = 'https://app.example/verify-email';
const FLOOD = 300;

/** A well-formed token for `userId` whose secret nobody minted. */
function forged(userId: string): string {
  return `${Buffer.from(userId).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
}

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const status of statuses) out[status] = (out[status] ?? 0) + 1;
  return out;
}

/**
 * Token first (issue 22, items 1 and 6): the reset and verify routes check the one-time token before they say
 * anything about the user or the password, and they have route limits (per ip, per user id), so a flood of forged
 * tokens from one client gets 429s while real logins go on.
 */
describe('recovery token routes: token first, route limits', () => {
  const smtp = new LocalSmtpServer();
  let t: AbuseApp;

  beforeAll(async () => {
    const smtpUrl = await smtp.start();
    t = await createAbuseApp({
      mail: { smtpUrl, from: 'Auth <no-reply@app.example>' },
      passwordReset: { url: RESET_URL },
      emailVerification: { url: VERIFY_URL, sendOnRegister: false },
      throttle: {
        // The library's defaults for the token routes (the test apps raise the per-ip ones), logins left loose.
        passwordReset: DEFAULT_ROUTE_LIMITS.passwordReset,
        emailVerify: DEFAULT_ROUTE_LIMITS.emailVerify,
        emailIp: { limit: 1000 }, ip: { limit: 1000 },
        passwordForgot: { ip: { limit: 1000 }, email: { limit: 1000 } },
      },
    });
  });

  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  async function register(email = uniqueEmail('tf')): Promise<{ id: string; email: string }> {
    const res = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(res.status).toBe(201);
    return { id: res.body.user.id, email };
  }

  it('a forged token is token_invalid whatever the user (existing, disabled, unknown) and the password (even a weak one)', async () => {
    const alive = await register();
    const disabled = await register();
    await t.app.get<UserStore>(UserStore).setDisabled(disabled.id, true);
    t.hasher.reset();
    const answers = [];
    for (const [userId, password] of [
      [alive.id, alive.email], [alive.id, 'password'], [alive.id, 'a perfectly fine passphrase'],
      [disabled.id, disabled.email], [disabled.id, 'a perfectly fine passphrase'], ['no-such-user', 'password'],
    ]) {
      const res = await http(t.url, 'POST', '/auth/password/reset', { json: { token: forged(userId), password } });
      answers.push([res.status, res.body?.code]);
    }
    expect(answers).toEqual(Array.from({ length: 6 }, () => [400, 'token_invalid']));
    expect(t.hasher.calls.hash).toBe(0);
  });

  it('a real link with a weak password is weak_password and stays usable; then 204', async () => {
    const user = await register();
    expect((await http(t.url, 'POST', '/auth/password/forgot', { json: { email: user.email } })).status).toBe(202);
    const token = LocalSmtpServer.tokenIn(await smtp.waitForMail(user.email));
    const weak = await http(t.url, 'POST', '/auth/password/reset', { json: { token, password: user.email } });
    expect([weak.status, weak.body.code]).toEqual([400, 'weak_password']);
    expect((await http(t.url, 'POST', '/auth/password/reset', { json: { token, password: 'a brand new passphrase' } })).status).toBe(204);
  });

  it('a reset and a change each mail a password_changed notice (no link) that says what to do if it was not you', async () => {
    const user = await register();
    await http(t.url, 'POST', '/auth/password/forgot', { json: { email: user.email } });
    const token = LocalSmtpServer.tokenIn(await smtp.waitForMail(user.email));
    expect((await http(t.url, 'POST', '/auth/password/reset', { json: { token, password: 'a brand new passphrase' } })).status).toBe(204);
    const afterReset = await smtp.waitForMail(user.email, 2);
    expect(afterReset.subject).toBe('Your password was changed');
    expect(afterReset.decoded).toMatch(/reset through a link/);
    expect(afterReset.decoded.replace(/\s+/g, " ")).toMatch(/If it was not, .*ask for a password reset/);
    expect(afterReset.decoded).not.toMatch(/token=/);
    const login = await http(t.url, 'POST', '/auth/login', { json: { email: user.email, password: 'a brand new passphrase' } });
    const change = await http(t.url, 'POST', '/auth/password/change', {
      token: login.body.accessToken, json: { currentPassword: 'a brand new passphrase', newPassword: 'yet another passphrase 9' },
    });
    expect(change.status).toBe(204);
    const afterChange = await smtp.waitForMail(user.email, 3);
    expect(afterChange.decoded).toMatch(/changed from a signed-in session/);
  });

  it(`under a flood of ${FLOOD} concurrent forged resets from one client, real logins answer 200/401 (no 503) and the flood gets 429s`, async () => {
    const victim = await register();
    const members = await Promise.all(Array.from({ length: 10 }, () => register()));
    t.hasher.reset();
    const flood = Promise.all(Array.from({ length: FLOOD }, () =>
      http(t.url, 'POST', '/auth/password/reset', { json: { token: forged(victim.id), password: 'a brand new passphrase' } })));
    const logins = Promise.all(members.flatMap((m) => [
      http(t.url, 'POST', '/auth/login', { json: { email: m.email, password: PASSWORD } }),
      http(t.url, 'POST', '/auth/login', { json: { email: m.email, password: 'not the password at all' } }),
    ]));
    const [floodAnswers, loginAnswers] = await Promise.all([flood, logins]);
    const floodTally = tally(floodAnswers.map((r) => r.status));
    const loginTally = tally(loginAnswers.map((r) => r.status));
    process.stdout.write(`reset flood (${FLOOD} forged, one ip): ${JSON.stringify(floodTally)}; logins during it: ${JSON.stringify(loginTally)}\n`);
    expect(loginTally).toEqual({ 200: 10, 401: 10 });
    expect(floodTally[503]).toBeUndefined();
    // The route's per-user limit (10) is the first full one: everything past it is refused before the token is read.
    expect(floodTally[429]).toBe(FLOOD - DEFAULT_ROUTE_LIMITS.passwordReset.user.limit);
    expect(floodTally[400]).toBe(DEFAULT_ROUTE_LIMITS.passwordReset.user.limit);
    expect(floodAnswers.find((r) => r.status === 429)?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(t.hasher.calls.hash).toBe(0);
  });

  it('email/verify: a forged token is token_invalid, and a flood from one client gets 429 past the per-ip limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await http(t.url, 'POST', '/auth/email/verify', { json: { token: forged(`someone-${i}`) } });
      statuses.push(res.status);
    }
    expect(tally(statuses)).toEqual({ 400: DEFAULT_ROUTE_LIMITS.emailVerify.ip.limit, 429: 25 - DEFAULT_ROUTE_LIMITS.emailVerify.ip.limit });
  });
});
