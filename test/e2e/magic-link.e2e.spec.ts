import { MagicLinkMailer } from '../../lib/features/magic-link/magic-link.mailer';
import { base32Decode, hotp, totpStep } from '../../lib/features/mfa/totp';
import { commandsSentDuring } from '../support/redis-monitor';
import { LocalSmtpServer } from '../support/smtp-server';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';
const LINK_URL = 'https://app.example/sign-in/link';
const MFA_KEY = { id: 'k1', key: Buffer.alloc(32, 9).toString('base64') };

describe('magic links over HTTP (real Redis, real SMTP server)', () => {
  const smtp = new LocalSmtpServer();
  let t: TestApp;

  beforeAll(async () => {
    const smtpUrl = await smtp.start();
    t = await createTestApp({
      mail: { smtpUrl, from: 'Auth <no-reply@app.example>' },
      magicLink: { url: LINK_URL },
      mfa: { encryptionKeys: [MFA_KEY] },
      throttle: { magicLink: { email: { limit: 1000 }, ip: { limit: 1000 } }, magicLinkVerify: { ip: { limit: 1000 }, user: { limit: 1000 } } },
    });
  });

  afterAll(async () => {
    await t?.close();
    await smtp.stop();
  });

  async function register(): Promise<{ email: string; id: string; accessToken: string }> {
    const email = uniqueEmail('link');
    const res = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(res.status).toBe(201);
    return { email, id: res.body.user.id, accessToken: res.body.accessToken };
  }

  const ask = (email: string) => http(t.url, 'POST', '/auth/magic-link', { json: { email } });
  const verify = (token: string) => http(t.url, 'POST', '/auth/magic-link/verify', { json: { token } });

  /** The token of the link mailed for a new request (other mails, such as MFA notices, are skipped). */
  async function linkToken(email: string): Promise<string> {
    const links = () => smtp.mailsTo(email).filter((mail) => mail.subject === 'Your sign-in link');
    const before = links().length;
    expect((await ask(email)).status).toBe(202);
    await smtp.waitForMailMatching(email, () => links().length > before);
    return LocalSmtpServer.tokenIn(links()[before]);
  }

  it('request -> mail with the link -> verify: a token response, the email verified; the link works once', async () => {
    const user = await register();
    const res = await ask(user.email);
    expect(res.status).toBe(202);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const mail = await smtp.waitForMail(user.email);
    expect(mail.subject).toBe('Your sign-in link');
    expect(mail.decoded).toContain(`${LINK_URL}?token=`);
    const token = LocalSmtpServer.tokenIn(mail);

    const signedIn = await verify(token);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ tokenType: 'Bearer', user: { id: user.id, email: user.email } });
    const claims = JSON.parse(Buffer.from(signedIn.body.accessToken.split('.')[1], 'base64url').toString('utf8'));
    expect(claims.amr).toEqual(['email']);
    const me = await http(t.url, 'GET', '/auth/me', { token: signedIn.body.accessToken });
    expect(me.body.emailVerified).toBe(true);

    const again = await verify(token);
    expect([again.status, again.body.code]).toEqual([400, 'token_invalid']);
  });

  it('an unverified account (a possible squat): the link signs the mailbox owner in and the registrant\'s password goes', async () => {
    const user = await register();
    const token = await linkToken(user.email);
    expect((await verify(token)).status).toBe(200);
    expect((await http(t.url, 'POST', '/auth/login', { json: { email: user.email, password: PASSWORD } })).status).toBe(401);
    expect((await http(t.url, 'GET', '/auth/me', { token: user.accessToken })).status).toBe(401);
  });

  it('the newest link wins: an older one is dead once a newer one was mailed', async () => {
    const user = await register();
    const older = await linkToken(user.email);
    const newer = await linkToken(user.email);
    expect(newer).not.toBe(older);
    expect((await verify(older)).status).toBe(400);
    expect((await verify(newer)).status).toBe(200);
  });

  // As the recovery tests do it: what would make the timing differ (store commands before the answer, a mail sent
  // before it) is checked instead of timed; the mail goes in the background after the answer.
  it('unknown email: same status, same body, the same Redis commands before the answer, and no mail', async () => {
    const user = await register();
    const mailer = t.app.get(MagicLinkMailer);
    const known = await ask(user.email);
    const nobody = uniqueEmail('nobody');
    const unknown = await ask(nobody);
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    expect(unknown.headers.get('content-length')).toBe(known.headers.get('content-length'));
    await mailer.settled();
    expect(smtp.mailsTo(nobody)).toEqual([]);

    const knownCommands = await commandsSentDuring(t.keyPrefix, () => ask(user.email));
    await mailer.settled();
    const unknownCommands = await commandsSentDuring(t.keyPrefix, () => ask(uniqueEmail('nobody')));
    await mailer.settled();
    expect(knownCommands).toEqual(expect.arrayContaining(['get', 'hgetall']));
    expect(unknownCommands).toEqual(knownCommands);
  });

  it('a user with a second factor gets mfaRequired (no token, no cookie), then finishes with the code', async () => {
    const user = await register();
    // Verified first (by a link), so the MFA enrolment below belongs to the mailbox owner.
    const first = await verify(await linkToken(user.email));
    const setup = await http(t.url, 'POST', '/auth/mfa/totp/setup', { token: first.body.accessToken });
    expect(setup.status).toBe(200);
    const secret = base32Decode(setup.body.secret)!;
    const confirm = await http(t.url, 'POST', '/auth/mfa/totp/confirm', { token: first.body.accessToken, json: { code: hotp(secret, totpStep(Date.now()) - 1) } });
    expect(confirm.status).toBe(200);

    const challenged = await verify(await linkToken(user.email));
    expect(challenged.status).toBe(200);
    expect(challenged.body).toMatchObject({ mfaRequired: true, mfaToken: expect.any(String), methods: expect.arrayContaining(['totp']) });
    expect(challenged.body.accessToken).toBeUndefined();
    expect(challenged.setCookie).toEqual([]);
    const done = await http(t.url, 'POST', '/auth/mfa/verify', { json: { mfaToken: challenged.body.mfaToken, code: hotp(secret, totpStep(Date.now())) } });
    expect(done.status).toBe(200);
    expect(done.body.accessToken).toEqual(expect.any(String));
  });

  it('magicLink.register: an unknown email gets a sign-up link; its click creates the account (email verified), once; the newest link wins', async () => {
    const open = await createTestApp({
      mail: { smtpUrl: `smtp://127.0.0.1:${smtp.port}` }, magicLink: { url: LINK_URL, register: true },
      throttle: { magicLink: { email: { limit: 1000 }, ip: { limit: 1000 } }, magicLinkVerify: { ip: { limit: 1000 }, user: { limit: 1000 } } },
    });
    try {
      const email = uniqueEmail('signup');
      const askOpen = async () => {
        const before = smtp.mailsTo(email).length;
        expect((await http(open.url, 'POST', '/auth/magic-link', { json: { email } })).status).toBe(202);
        return LocalSmtpServer.tokenIn(await smtp.waitForMail(email, before + 1));
      };
      const older = await askOpen();
      const token = await askOpen();
      expect(token.startsWith('s.')).toBe(true);
      const verifyOpen = (t: string) => http(open.url, 'POST', '/auth/magic-link/verify', { json: { token: t } });
      expect((await verifyOpen(older)).status).toBe(400);
      const signedUp = await verifyOpen(token);
      expect(signedUp.status).toBe(200);
      expect(signedUp.body.user).toMatchObject({ email, roles: ['user'] });
      const me = await http(open.url, 'GET', '/auth/me', { token: signedUp.body.accessToken });
      expect(me.body).toMatchObject({ email, emailVerified: true });
      expect((await verifyOpen(token)).status).toBe(400);
      // The account exists now: the next link is an account's link.
      const next = await askOpen();
      expect(next.startsWith('s.')).toBe(false);
      expect((await verifyOpen(next)).body.user.id).toBe(signedUp.body.user.id);
      // A sign-up token is not accepted by an app without register (the main app here).
      const other = uniqueEmail('signup');
      expect((await http(open.url, 'POST', '/auth/magic-link', { json: { email: other } })).status).toBe(202);
      const signupToken = LocalSmtpServer.tokenIn(await smtp.waitForMail(other, 1));
      expect((await verify(signupToken)).status).toBe(400);
    } finally {
      await open.close();
    }
  });

  it('refuses forged and malformed tokens with 400 token_invalid, bad emails with 400, and is throttled per email', async () => {
    for (const token of ['nope', 'a.b', `${Buffer.from('u1').toString('base64url')}.${'A'.repeat(43)}`]) {
      const res = await verify(token);
      expect([res.status, res.body.code]).toEqual([400, 'token_invalid']);
    }
    expect((await ask('not an email')).status).toBe(400);
    const limited = await createTestApp({ magicLink: { url: LINK_URL }, mail: { smtpUrl: `smtp://127.0.0.1:${smtp.port}` }, throttle: { magicLink: { email: { limit: 2 } } } });
    try {
      const email = uniqueEmail('nobody');
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await http(limited.url, 'POST', '/auth/magic-link', { json: { email } })).status);
      expect(statuses).toEqual([202, 202, 429]);
      const res = await http(limited.url, 'POST', '/auth/magic-link', { json: { email } });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
