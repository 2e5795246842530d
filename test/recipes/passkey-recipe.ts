import { SoftAuthenticator } from '../../lib/testing/soft-authenticator';
import type { SqlReader } from './mfa-recipe';
import { http, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

/** The `passkeys` option both SQL recipes' apps use (with their own `stores.credentials`). */
export const RECIPE_PASSKEYS = { rpId: 'localhost', origins: ['http://localhost:4200'] } as const;
const ORIGIN = RECIPE_PASSKEYS.origins[0];

/**
 * What both SQL recipes must show with `passkeys.stores.credentials`: a user registers a passkey (a software
 * authenticator's real attestation) and it is a row of `passkey_credentials`; the passkey alone signs in over HTTP,
 * which moves the row's counter and `last_used_at`; the same assertion again is refused.
 */
export async function expectPasskeysInSql(url: string, sql: SqlReader): Promise<void> {
  const registered = await http(url, 'POST', '/auth/register', { json: { email: uniqueEmail('sql-passkey'), password: PASSWORD } });
  expect(registered.status).toBe(201);
  const token = registered.body.accessToken as string;
  const userId = registered.body.user.id as string;
  const authenticator = new SoftAuthenticator();
  const creation = await http(url, 'POST', '/auth/passkeys/registration/options', { token });
  expect(creation.status).toBe(200);
  const added = await http(url, 'POST', '/auth/passkeys/registration', { token, json: { response: authenticator.create(creation.body, { origin: ORIGIN }), name: 'Laptop' } });
  expect(added.status).toBe(201);
  const before = await sql.query('SELECT id, user_id, name, counter, last_used_at FROM passkey_credentials WHERE user_id = $1', [userId]);
  expect(before.rows).toEqual([{ id: added.body.id, user_id: userId, name: 'Laptop', counter: expect.anything(), last_used_at: null }]);
  expect(Number(before.rows[0].counter)).toBe(0);

  const request = await http(url, 'POST', '/auth/passkeys/authentication/options');
  expect(request.status).toBe(200);
  const response = authenticator.get(request.body, { origin: ORIGIN });
  const signedIn = await http(url, 'POST', '/auth/passkeys/authentication', { json: { response } });
  expect(signedIn.status).toBe(200);
  expect(signedIn.body.user.id).toBe(userId);
  const after = await sql.query('SELECT counter, last_used_at FROM passkey_credentials WHERE id = $1', [added.body.id]);
  expect(Number(after.rows[0].counter)).toBe(1);
  expect(Number(after.rows[0].last_used_at)).toBeGreaterThan(0);
  expect((await http(url, 'POST', '/auth/passkeys/authentication', { json: { response } })).body.code).toBe('passkey_challenge_invalid');
  expect((await http(url, 'GET', '/auth/passkeys', { token })).body).toEqual(expect.arrayContaining([expect.objectContaining({ id: added.body.id })]));
}
