import { IdentityStore, UserStore } from '../../lib';
import { LocalSmtpServer } from '../support/smtp-server';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

const SQUATTER_PASSWORD = 'the squatter chose this one';
const OWNER_PASSWORD = 'the mailbox owner password';
const VERIFY_URL = 'https://app.example/verify-email';
const RESET_URL = 'https://app.example/reset-password';

/**
 * Issue 22 item 2, pre-account takeover through verification: a squatter registers the victim's address; the
 * verification mail reaches the victim. A click (or a link scanner) must not verify the squatter's account; the
 * registrant verifies with its password or its signed-in session; the mailbox owner can decline ("this was not
 * me"), which takes the account from the registrant; a reset of an unverified account removes the identities
 * linked to it. Both platforms (bodies, 401 codes and WWW-Authenticate of the verify route).
 */
describe('pre-account takeover through email verification (real Redis, real SMTP server)', () => {
  const smtp = new LocalSmtpServer();
  let t: TestApp;

  beforeAll(async () => {
    const smtpUrl = await smtp.start();
    t = await createTestApp({
      mail: { smtpUrl, from: 'Auth <no-reply@app.example>' },
      passwordReset: { url: RESET_URL },
      emailVerification: { url: VERIFY_URL, sendOnRegister: true },
    });
  });

  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  /** The squatter registers `email` (it gets a session); the verification mail goes to the address. */
  async function squat(email = uniqueEmail('victim')) {
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: SQUATTER_PASSWORD } });
    expect(reg.status).toBe(201);
    const token = LocalSmtpServer.tokenIn(await smtp.waitForMail(email));
    return { email, token, id: reg.body.user.id as string, accessToken: reg.body.accessToken as string, refreshToken: reg.body.refreshToken as string };
  }

  const emailVerified = async (id: string) => (await t.app.get<UserStore>(UserStore).findById(id))?.emailVerified;

  it('a click without the password (the victim, a link scanner) does not verify: 401 registrant_proof_required, the link still works', async () => {
    const s = await squat();
    const click = await http(t.url, 'POST', '/auth/email/verify', { json: { token: s.token } });
    expect(click.status).toBe(401);
    expect(click.body.code).toBe('registrant_proof_required');
    expect(click.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await http(t.url, 'POST', '/auth/email/verify', { json: { token: s.token, password: 'a guess at the password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    expect(await emailVerified(s.id)).toBe(false);
    // Still unverified, so the squatter cannot collect an identity to come back through.
    const me = await http(t.url, 'GET', '/auth/me', { token: s.accessToken });
    expect(me.body.emailVerified).toBe(false);
  });

  it('the registrant verifies with its password, or signed in as the account (not as another one)', async () => {
    const byPassword = await squat();
    expect((await http(t.url, 'POST', '/auth/email/verify', { json: { token: byPassword.token, password: SQUATTER_PASSWORD } })).status).toBe(204);
    expect(await emailVerified(byPassword.id)).toBe(true);

    const bySession = await squat();
    const other = await squat();
    const asOther = await http(t.url, 'POST', '/auth/email/verify', { token: other.accessToken, json: { token: bySession.token } });
    expect(asOther.body.code).toBe('registrant_proof_required');
    expect((await http(t.url, 'POST', '/auth/email/verify', { token: bySession.accessToken, json: { token: bySession.token } })).status).toBe(204);
    expect(await emailVerified(bySession.id)).toBe(true);
  });

  it('"this was not me": the squatter is signed out, its password and identities gone; the owner takes the account by reset', async () => {
    const s = await squat();
    const identities = t.app.get<IdentityStore>(IdentityStore);
    // An identity on the unverified account (linked by whoever registered it).
    expect((await identities.linkIdentity(s.id, { provider: 'github', providerUserId: `gh-${s.id}`, email: null, emailVerified: false })).status).toBe('linked');

    expect((await http(t.url, 'POST', '/auth/email/verify/decline', { json: { token: s.token } })).status).toBe(204);
    expect(await emailVerified(s.id)).toBe(true);
    expect((await http(t.url, 'GET', '/auth/me', { token: s.accessToken })).status).toBe(401);
    expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: s.refreshToken } })).status).toBe(401);
    expect((await http(t.url, 'POST', '/auth/login', { json: { email: s.email, password: SQUATTER_PASSWORD } })).status).toBe(401);
    expect(await identities.findByIdentity('github', `gh-${s.id}`)).toBeNull();
    // The link worked once.
    expect((await http(t.url, 'POST', '/auth/email/verify/decline', { json: { token: s.token } })).body.code).toBe('token_invalid');

    const before = smtp.mailsTo(s.email).length;
    expect((await http(t.url, 'POST', '/auth/password/forgot', { json: { email: s.email } })).status).toBe(202);
    const reset = LocalSmtpServer.tokenIn(await smtp.waitForMail(s.email, before + 1));
    expect((await http(t.url, 'POST', '/auth/password/reset', { json: { token: reset, password: OWNER_PASSWORD } })).status).toBe(204);
    expect((await http(t.url, 'POST', '/auth/login', { json: { email: s.email, password: OWNER_PASSWORD } })).status).toBe(200);
  });

  it('a reset of an unverified account unlinks the identities linked before it; a verified account keeps its own', async () => {
    const identities = t.app.get<IdentityStore>(IdentityStore);
    const s = await squat();
    await identities.linkIdentity(s.id, { provider: 'github', providerUserId: `gh-${s.id}`, email: null, emailVerified: false });
    const owned = await squat();
    expect((await http(t.url, 'POST', '/auth/email/verify', { json: { token: owned.token, password: SQUATTER_PASSWORD } })).status).toBe(204);
    await identities.linkIdentity(owned.id, { provider: 'github', providerUserId: `gh-${owned.id}`, email: null, emailVerified: false });

    for (const account of [s, owned]) {
      const before = smtp.mailsTo(account.email).length;
      expect((await http(t.url, 'POST', '/auth/password/forgot', { json: { email: account.email } })).status).toBe(202);
      const reset = LocalSmtpServer.tokenIn(await smtp.waitForMail(account.email, before + 1));
      expect((await http(t.url, 'POST', '/auth/password/reset', { json: { token: reset, password: OWNER_PASSWORD } })).status).toBe(204);
    }
    expect(await identities.findByIdentity('github', `gh-${s.id}`)).toBeNull();
    expect((await identities.findByIdentity('github', `gh-${owned.id}`))?.id).toBe(owned.id);
  });

  it('the mails say what to do if you did not ask', async () => {
    const s = await squat();
    const verification = smtp.mailsTo(s.email)[0];
    expect(verification.decoded).toContain('If you did not sign up');
    expect(verification.decoded).toContain('This was not me');
    expect((await http(t.url, 'POST', '/auth/password/forgot', { json: { email: s.email } })).status).toBe(202);
    const reset = await smtp.waitForMail(s.email, 2);
    expect(reset.decoded).toContain('If you did not ask for this, ignore this mail: your password has not changed');
  });
});
