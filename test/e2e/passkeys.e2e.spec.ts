import { MfaEnrolmentService, UserStore } from '../../lib';
import { SoftAuthenticator } from '../../lib/testing/soft-authenticator';
import { RecordingMailer } from '../support/recovery-fixture';
import { createTestApp, http, type HttpResult, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';
const ORIGIN = 'http://localhost:4200';
const KEY = { id: 'k1', key: Buffer.alloc(32, 9).toString('base64') };

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Passkeys (issue 24, DESIGN section 11) over real HTTP and Redis, against a software authenticator that makes real
 * attestation and assertion objects (test/support/soft-authenticator.ts): registration (none and packed self
 * attestation, ES256 and RS256), passwordless sign-in, the second factor after a password, step-up, management; and
 * every refusal with its stable code: a replayed assertion, another origin, another RP ID, a counter going back, a
 * reused challenge, another user's credential.
 */
describe('passkeys (real HTTP, real Redis, software authenticator)', () => {
  let t: TestApp;
  const mailer = new RecordingMailer();
  const call = (method: string, path: string, init: Parameters<typeof http>[3] = {}): Promise<HttpResult> => http(t.url, method, path, init);

  beforeAll(async () => {
    t = await createTestApp({
      mfa: { encryptionKeys: [KEY], maxUserFailures: 100, maxAttemptsPerChallenge: 20, required: { roles: ['staff'] } },
      passkeys: { rpId: 'localhost', rpName: 'Passkey tests', origins: [ORIGIN, 'https://app.localhost'] },
      mailer,
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  /** A new user (password), signed in; with `passkey`, one passkey registered from `authenticator`. */
  async function user(authenticator = new SoftAuthenticator(), create: Parameters<SoftAuthenticator['create']>[1] = { origin: ORIGIN }) {
    const email = uniqueEmail('passkey');
    const registered = await call('POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(registered.status).toBe(201);
    const token = registered.body.accessToken as string;
    const options = await call('POST', '/auth/passkeys/registration/options', { token });
    expect(options.status).toBe(200);
    const added = await call('POST', '/auth/passkeys/registration', { token, json: { response: authenticator.create(options.body, create), name: 'Laptop' } });
    return { email, id: registered.body.user.id as string, token, authenticator, added };
  }

  async function signInWithPasskey(authenticator: SoftAuthenticator, ceremony: Parameters<SoftAuthenticator['get']>[1] = { origin: ORIGIN }) {
    const options = await call('POST', '/auth/passkeys/authentication/options');
    expect(options.status).toBe(200);
    const response = authenticator.get(options.body, ceremony);
    return { response, result: await call('POST', '/auth/passkeys/authentication', { json: { response } }) };
  }

  it('registers a passkey (ES256, attestation none), then signs in with it alone: amr hwk + mfa', async () => {
    const { added, authenticator, id } = await user();
    expect(added.status).toBe(201);
    expect(added.body).toEqual(expect.objectContaining({ id: expect.any(String), name: 'Laptop', createdAt: expect.any(String), backedUp: false }));
    const { result } = await signInWithPasskey(authenticator);
    expect(result.status).toBe(200);
    expect(result.body.user.id).toBe(id);
    expect(claimsOf(result.body.accessToken).amr).toEqual(['hwk', 'mfa']);
    const me = await call('GET', '/auth/me', { token: result.body.accessToken });
    expect(me.status).toBe(200);
  });

  it.each([
    ['ES256', 'packed'], ['RS256', 'packed'], ['RS256', 'none'],
  ] as const)('registers and signs in with %s, attestation %s', async (alg, attestation) => {
    const { added, authenticator } = await user(new SoftAuthenticator(), { origin: ORIGIN, alg, attestation });
    expect(added.status).toBe(201);
    expect((await signInWithPasskey(authenticator)).result.status).toBe(200);
  });

  it('the creation options prefer a resident key and user verification, and exclude the user\'s passkeys', async () => {
    const { token, added } = await user();
    const options = await call('POST', '/auth/passkeys/registration/options', { token });
    expect(options.body.authenticatorSelection).toEqual(expect.objectContaining({ residentKey: 'preferred', userVerification: 'preferred' }));
    expect(options.body.rp).toEqual({ id: 'localhost', name: 'Passkey tests' });
    expect(Buffer.from(options.body.challenge, 'base64url')).toHaveLength(32);
    expect(options.body.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([added.body.id]);
  });

  it('a replayed assertion (the same response twice) is refused: passkey_challenge_invalid', async () => {
    const { authenticator } = await user();
    const { response, result } = await signInWithPasskey(authenticator);
    expect(result.status).toBe(200);
    const replay = await call('POST', '/auth/passkeys/authentication', { json: { response } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('passkey_challenge_invalid');
  });

  it('a response made on another origin, or for another RP ID, is refused: passkey_origin_invalid', async () => {
    const { authenticator } = await user();
    for (const ceremony of [{ origin: 'http://localhost:9999' }, { origin: 'https://evil.example' }, { origin: ORIGIN, rpId: 'evil.localhost' }]) {
      const { result } = await signInWithPasskey(authenticator, ceremony);
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('passkey_origin_invalid');
    }
    // A second allowed origin passes (exact match against the list).
    expect((await signInWithPasskey(authenticator, { origin: 'https://app.localhost' })).result.status).toBe(200);
    const options = await call('POST', '/auth/passkeys/registration/options', { token: (await user()).token });
    const foreign = new SoftAuthenticator().create(options.body, { origin: ORIGIN, rpId: 'example.com' });
    const refused = await call('POST', '/auth/passkeys/registration', { token: (await user()).token, json: { response: foreign } });
    expect(refused.status).toBe(401);
  });

  it('a counter that goes back (or stays) is refused: passkey_counter_invalid; a synced passkey (counter 0) is not', async () => {
    const { authenticator } = await user();
    expect((await signInWithPasskey(authenticator, { origin: ORIGIN, counter: 5 })).result.status).toBe(200);
    for (const counter of [3, 5]) {
      const { result } = await signInWithPasskey(authenticator, { origin: ORIGIN, counter });
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('passkey_counter_invalid');
    }
    expect((await signInWithPasskey(authenticator, { origin: ORIGIN, counter: 6 })).result.status).toBe(200);
    const synced = await user(new SoftAuthenticator(), { origin: ORIGIN, synced: true });
    expect(synced.added.body.backedUp).toBe(true);
    for (let i = 0; i < 2; i++) expect((await signInWithPasskey(synced.authenticator)).result.status).toBe(200);
  });

  it('a challenge is single use and bound to its ceremony: a used or unknown one is passkey_challenge_invalid', async () => {
    const { authenticator, token } = await user();
    const options = await call('POST', '/auth/passkeys/authentication/options');
    const first = await call('POST', '/auth/passkeys/authentication', { json: { response: authenticator.get(options.body, { origin: ORIGIN }) } });
    expect(first.status).toBe(200);
    const again = await call('POST', '/auth/passkeys/authentication', { json: { response: authenticator.get(options.body, { origin: ORIGIN }) } });
    expect(again.body.code).toBe('passkey_challenge_invalid');
    const made = authenticator.get({ challenge: Buffer.alloc(32, 7).toString('base64url') }, { origin: ORIGIN });
    expect((await call('POST', '/auth/passkeys/authentication', { json: { response: made } })).body.code).toBe('passkey_challenge_invalid');
    // A step-up challenge cannot sign anyone in.
    const stepUp = await call('POST', '/auth/passkeys/reauthentication/options', { token });
    const crossed = await call('POST', '/auth/passkeys/authentication', { json: { response: authenticator.get(stepUp.body, { origin: ORIGIN }) } });
    expect(crossed.body.code).toBe('passkey_challenge_invalid');
  });

  it("another user's credential is refused: as the user handle's, as a second factor, and registered again", async () => {
    const alice = await user();
    const bob = await user();
    // Alice's credential presented with Bob's user handle.
    const { result } = await signInWithPasskey(alice.authenticator, { origin: ORIGIN, userHandle: Buffer.from(bob.id).toString('base64url') });
    expect(result.status).toBe(401);
    expect(result.body.code).toBe('passkey_invalid');
    // Alice's credential as Bob's second factor.
    const login = await call('POST', '/auth/login', { json: { email: bob.email, password: PASSWORD } });
    expect(login.body.methods).toEqual(['passkey']);
    const options = await call('POST', '/auth/mfa/passkey/options', { json: { mfaToken: login.body.mfaToken } });
    const foreign = alice.authenticator.get(options.body, { origin: ORIGIN, credential: alice.authenticator.credentials[0] });
    const verify = await call('POST', '/auth/mfa/verify', { json: { mfaToken: login.body.mfaToken, passkey: foreign } });
    expect(verify.status).toBe(401);
    expect(verify.body.code).toBe('passkey_invalid');
    // Alice's credential id registered by Bob.
    const creation = await call('POST', '/auth/passkeys/registration/options', { token: bob.token });
    const copy = new SoftAuthenticator().create(creation.body, { origin: ORIGIN, credentialId: alice.authenticator.credentials[0].id });
    const taken = await call('POST', '/auth/passkeys/registration', { token: bob.token, json: { response: copy } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('passkey_already_registered');
  });

  it('passwordless sign-in needs user verification: passkey_invalid without', async () => {
    const { authenticator } = await user();
    const { result } = await signInWithPasskey(authenticator, { origin: ORIGIN, userVerified: false });
    expect(result.status).toBe(401);
    expect(result.body.code).toBe('passkey_invalid');
  });

  it('as the second factor after a password: methods lists passkey, options bound to the MFA token, then /auth/mfa/verify', async () => {
    const { email, authenticator } = await user();
    const login = await call('POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body).toEqual(expect.objectContaining({ mfaRequired: true, methods: ['passkey'] }));
    expect(login.body.accessToken).toBeUndefined();
    const options = await call('POST', '/auth/mfa/passkey/options', { json: { mfaToken: login.body.mfaToken } });
    expect(options.status).toBe(200);
    expect(options.body.allowCredentials).toHaveLength(1);
    expect((await call('POST', '/auth/mfa/totp/options', { json: { mfaToken: login.body.mfaToken } })).status).toBe(404);
    expect((await call('POST', '/auth/mfa/passkey/options', { json: { mfaToken: 'nope' } })).body.code).toBe('mfa_token_invalid');
    const passkey = authenticator.get(options.body, { origin: ORIGIN, userVerified: false });
    const verified = await call('POST', '/auth/mfa/verify', { json: { mfaToken: login.body.mfaToken, passkey } });
    expect(verified.status).toBe(200);
    expect(claimsOf(verified.body.accessToken).amr).toEqual(['pwd', 'hwk', 'mfa']);
    // The token is used up; the assertion too.
    expect((await call('POST', '/auth/mfa/verify', { json: { mfaToken: login.body.mfaToken, passkey } })).body.code).toBe('mfa_token_invalid');
    // A challenge of one MFA token does not finish another's sign-in.
    const [a, b] = [await call('POST', '/auth/login', { json: { email, password: PASSWORD } }), await call('POST', '/auth/login', { json: { email, password: PASSWORD } })];
    const forA = await call('POST', '/auth/mfa/passkey/options', { json: { mfaToken: a.body.mfaToken } });
    const crossed = await call('POST', '/auth/mfa/verify', { json: { mfaToken: b.body.mfaToken, passkey: authenticator.get(forA.body, { origin: ORIGIN }) } });
    expect(crossed.body.code).toBe('passkey_challenge_invalid');
  });

  it('step-up with a passkey, GET /auth/mfa counts them, rename, delete (not the last factor policy requires)', async () => {
    const { token, authenticator, id, added } = await user();
    const stepUpOptions = await call('POST', '/auth/passkeys/reauthentication/options', { token });
    const stepped = await call('POST', '/auth/reauthenticate', { token, json: { passkey: authenticator.get(stepUpOptions.body, { origin: ORIGIN }) } });
    expect(stepped.status).toBe(200);
    expect(claimsOf(stepped.body.accessToken).amr).toEqual(expect.arrayContaining(['hwk', 'mfa']));
    const fresh = stepped.body.accessToken as string;
    expect((await call('GET', '/auth/mfa', { token: fresh })).body).toEqual(expect.objectContaining({ totp: false, passkeys: 1, methods: ['passkey'] }));
    const renamed = await call('PATCH', `/auth/passkeys/${added.body.id}`, { token: fresh, json: { name: 'Work laptop' } });
    expect(renamed.body.name).toBe('Work laptop');
    expect((await call('PATCH', '/auth/passkeys/unknown', { token: fresh, json: { name: 'x' } })).status).toBe(404);
    expect((await call('GET', '/auth/passkeys', { token: fresh })).body).toEqual([expect.objectContaining({ id: added.body.id, name: 'Work laptop' })]);
    // Deleting needs the second factor in the session (the password sign-in did not use it).
    expect((await call('DELETE', `/auth/passkeys/${added.body.id}`, { token })).body.code).toBe('reauthentication_required');
    // Policy requires a second factor of staff: the last passkey stays.
    await t.app.get<UserStore>(UserStore).setRoles(id, ['staff']);
    const staff = (await signInWithPasskey(authenticator)).result.body.accessToken as string;
    const refused = await call('DELETE', `/auth/passkeys/${added.body.id}`, { token: staff });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('passkey_last_factor');
    await t.app.get<UserStore>(UserStore).setRoles(id, ['user']);
    const user2 = (await signInWithPasskey(authenticator)).result.body.accessToken as string;
    expect((await call('DELETE', `/auth/passkeys/${added.body.id}`, { token: user2 })).status).toBe(204);
    expect((await call('GET', '/auth/passkeys', { token: user2 })).body).toEqual([]);
    expect(mailer.sent.filter((mail) => mail.kind === 'passkey_added' || mail.kind === 'passkey_removed').length).toBeGreaterThan(0);
  });

  it("the admin's MFA reset removes the user's passkeys", async () => {
    const { id, authenticator } = await user();
    expect(await t.app.get(MfaEnrolmentService).adminReset(id, 'admin-1')).toBe(true);
    const { result } = await signInWithPasskey(authenticator);
    expect(result.body.code).toBe('passkey_invalid');
  });
});
