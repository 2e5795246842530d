import { AuthService } from '../../lib';
import { MfaNoticeMailer } from '../../lib/features/mfa/mfa-notice.mailer';
import { base32Decode, hotp, totpStep } from '../../lib/features/mfa/totp';
import { RedisServer } from '../support/redis-server';
import { http, type HttpResult, uniqueEmail } from '../support/test-app';
import { type AbuseApp, CapturingLogger, cookieValue, createAbuseApp, strongPassword } from '../support/abuse-app';

/**
 * Runs the flows of an ordinary day and a bad one (wrong passwords, throttling, token theft, forged and
 * cross-site requests, hostile bodies, Redis going away) with everything the app logs captured: a Nest
 * LoggerService plus process.stdout/stderr and console. Then greps the capture and every response body
 * for the raw passwords and tokens that were used.
 */
describe('nothing logged or echoed contains a password or a token', () => {
  const logger = new CapturingLogger();
  const written: string[] = [];
  const restore: Array<() => void> = [];
  const secrets = new Set<string>();
  const responses: HttpResult[] = [];
  let t: AbuseApp;
  let outage: AbuseApp;
  let redis: RedisServer;

  const keep = (value: string | undefined) => {
    if (!value) return;
    secrets.add(value);
    // The parts an attacker could use alone: a refresh token's secret, an access token's signature.
    const parts = value.split('.');
    if (parts.length === 3 && parts[2].length >= 20) secrets.add(parts[2]);
  };
  const call = async (...args: Parameters<typeof http>) => {
    const res = await http(...args);
    responses.push(res);
    keep(res.body?.accessToken);
    keep(res.body?.refreshToken);
    for (const cookie of res.setCookie) keep(cookieValue([cookie], cookie.slice(0, cookie.indexOf('='))));
    return res;
  };

  beforeAll(async () => {
    const capture = (stream: NodeJS.WriteStream) => {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        written.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => { stream.write = original as typeof stream.write; });
    };
    capture(process.stdout);
    capture(process.stderr);
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        written.push(args.map(String).join(' '));
      });
      restore.push(() => spy.mockRestore());
    }
    t = await createAbuseApp({ reuseWindowMs: 0, throttle: { emailIp: { limit: 3 } }, mfa: { encryptionKeys: [{ id: 'k1', key: Buffer.alloc(32, 5) }] } }, { logger });
    redis = await RedisServer.start();
    outage = await createAbuseApp({ redis: { url: redis.url } }, { logger });
  });

  afterAll(async () => {
    await t?.close();
    await outage?.close();
    await redis?.stop();
    restore.reverse().forEach((undo) => undo());
  });

  it('runs the flows, then finds none of the secrets in the logs or the responses', async () => {
    const email = uniqueEmail('logs');
    const password = strongPassword();
    const wrongPasswords = [strongPassword(), strongPassword(), strongPassword(), strongPassword()];
    const newPassword = strongPassword();
    [password, ...wrongPasswords, newPassword].forEach((p) => secrets.add(p));

    const reg = await call(t.url, 'POST', '/auth/register', { json: { email, password } });
    expect(reg.status).toBe(201);
    // Wrong passwords up to the throttle, then 429.
    for (const wrong of wrongPasswords) await call(t.url, 'POST', '/auth/login', { json: { email, password: wrong } });
    const other = uniqueEmail('logs2');
    await call(t.url, 'POST', '/auth/register', { json: { email: other, password } });
    const login = await call(t.url, 'POST', '/auth/login', { json: { email: other, password } });
    expect(login.status).toBe(200);
    // Rotation, then theft: the replayed token revokes the session (and the library logs a warning).
    const first = login.body.refreshToken as string;
    const rotated = await call(t.url, 'POST', '/auth/refresh', { json: { refreshToken: first } });
    expect(rotated.status).toBe(200);
    // The new token used (the rotation acknowledged), the old one again is theft, not a retry of a lost answer.
    expect((await call(t.url, 'POST', '/auth/refresh', { json: { refreshToken: rotated.body.refreshToken } })).status).toBe(200);
    const replay = await call(t.url, 'POST', '/auth/refresh', { json: { refreshToken: first } });
    expect(replay.body.code).toBe('refresh_token_reused');
    expect(logger.text('warn')).toMatch(/reuse/i);
    // Cross-site cookie refresh, forged and garbage tokens, hostile and malformed bodies carrying the password.
    await call(t.url, 'POST', '/auth/refresh', { cookie: `authkit_rt=${reg.body.refreshToken}`, headers: { origin: 'https://evil.example' } });
    await call(t.url, 'GET', '/profile', { token: `${reg.body.accessToken}x` });
    await call(t.url, 'GET', `/profile?access_token=${reg.body.accessToken}`);
    await call(t.url, 'POST', '/auth/login', { body: `{"email":"${email}","password":"${password}"`, headers: { 'content-type': 'application/json' } });
    await call(t.url, 'POST', '/auth/login', { body: `{"email":"${email}","password":"${password}","x":1}`, headers: { 'content-type': 'application/json' } });
    await call(t.url, 'POST', '/auth/login', { body: `email=${email}&password=${password}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await call(t.url, 'POST', '/auth/login', { json: { email: { $ne: password }, password } });
    const weakEmail = uniqueEmail('logs3');
    await call(t.url, 'POST', '/auth/register', { json: { email: weakEmail, password: 'password123' } });
    await call(t.url, 'POST', '/auth/refresh', { json: { refreshToken: `${first}!` } });
    // A password change through the service.
    await t.app.get(AuthService).changePassword(reg.body.user.id, newPassword);
    await call(t.url, 'POST', '/auth/logout', { token: rotated.body.accessToken });

    // Two-factor sign-in: enrol, a wrong and a right code, a recovery code, turn it off (the notices are "mailed" by
    // the logging mailer). Neither the TOTP secret, nor a recovery code, nor an MFA token may reach a log line.
    const mfaEmail = uniqueEmail('logs-mfa');
    const mfaUser = await call(t.url, 'POST', '/auth/register', { json: { email: mfaEmail, password } });
    const setup = await call(t.url, 'POST', '/auth/mfa/totp/setup', { token: mfaUser.body.accessToken });
    secrets.add(setup.body.secret);
    const totp = (offset: number) => hotp(base32Decode(setup.body.secret)!, totpStep(Date.now()) + offset);
    const confirm = await call(t.url, 'POST', '/auth/mfa/totp/confirm', { token: mfaUser.body.accessToken, json: { code: totp(-1) } });
    expect(confirm.status).toBe(200);
    for (const code of confirm.body.recoveryCodes as string[]) secrets.add(code);
    const challenged = await call(t.url, 'POST', '/auth/login', { json: { email: mfaEmail, password } });
    secrets.add(challenged.body.mfaToken);
    await call(t.url, 'POST', '/auth/mfa/verify', { json: { mfaToken: challenged.body.mfaToken, code: totp(-9) } });
    expect((await call(t.url, 'POST', '/auth/mfa/verify', { json: { mfaToken: challenged.body.mfaToken, code: totp(0) } })).status).toBe(200);
    const again = await call(t.url, 'POST', '/auth/login', { json: { email: mfaEmail, password } });
    secrets.add(again.body.mfaToken);
    const recovered = await call(t.url, 'POST', '/auth/mfa/verify', { json: { mfaToken: again.body.mfaToken, recoveryCode: confirm.body.recoveryCodes[0] } });
    expect(recovered.status).toBe(200);
    await call(t.url, 'DELETE', '/auth/mfa/totp', { token: recovered.body.accessToken, json: { recoveryCode: confirm.body.recoveryCodes[0] } });
    expect((await call(t.url, 'DELETE', '/auth/mfa/totp', { token: recovered.body.accessToken, json: { recoveryCode: confirm.body.recoveryCodes[1] } })).status).toBe(204);
    await t.app.get(MfaNoticeMailer).settled();

    // Redis goes away under another app: 503s and the client's error logs.
    const outageEmail = uniqueEmail('outage');
    const victim = await call(outage.url, 'POST', '/auth/register', { json: { email: outageEmail, password } });
    await redis.stop();
    await call(outage.url, 'POST', '/auth/login', { json: { email, password }, timeoutMs: 2000 });
    await call(outage.url, 'POST', '/auth/refresh', { json: { refreshToken: victim.body.refreshToken }, timeoutMs: 2000 });
    await call(outage.url, 'GET', '/auth/me', { token: victim.body.accessToken, timeoutMs: 2000 });
    await redis.start();

    const logs = [...logger.lines, ...written].join('\n');
    // The capture works: it holds the reuse warning and the Redis client's outage error.
    expect(logs).toMatch(/reuse/i);
    expect(logs).toMatch(/Redis/);
    expect(logs).toMatch(/"mfa_recovery_code_used" sent/);
    expect(secrets.size).toBeGreaterThan(10);
    const bodies = responses.map((r) => (typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? '')));
    for (const secret of secrets) {
      expect({ secret, inLogs: logs.includes(secret) }).toEqual({ secret, inLogs: false });
    }
    // Raw emails are personal data: never in a log line (token responses do carry the user's own email).
    const emails = [email, other, weakEmail, outageEmail, mfaEmail];
    for (const address of emails) {
      const localPart = address.slice(0, address.indexOf('@')).toLowerCase();
      expect({ address, inLogs: logs.toLowerCase().includes(localPart) }).toEqual({ address, inLogs: false });
    }
    // Error bodies: only { statusCode, code, message }, no secrets, no stack traces.
    const errors = responses.filter((r) => r.status >= 400);
    expect(errors.length).toBeGreaterThan(10);
    for (const res of errors) {
      expect(Object.keys(res.body).sort()).toEqual(['code', 'message', 'statusCode']);
      const text = JSON.stringify(res.body);
      for (const secret of [...secrets, ...emails]) expect(text.includes(secret)).toBe(false);
      expect(text).not.toMatch(/\bat [^ ]+ \(|\.ts:\d+|node_modules|Error:/);
    }
    expect(bodies.length).toBe(responses.length);
  });
});
