import { base32Decode, hotp, totpStep } from '../../lib/features/mfa/totp';
import { http, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

/**
 * What both SQL recipes must show with `mfa.factorStore`: a user enrols, the rows hold the secret's ciphertext and the
 * recovery codes' hashes only, the password alone no longer signs in, a code does (once).
 */
/** What the checks read the tables with: a pg `Pool`, or TypeORM's `DataSource.query` wrapped. */
export interface SqlReader {
  query(text: string, values: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export async function expectMfaInSql(url: string, pool: SqlReader): Promise<void> {
  const email = uniqueEmail('sql-mfa');
  const registered = await http(url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
  expect(registered.status).toBe(201);
  const token = registered.body.accessToken as string;
  const userId = registered.body.user.id as string;
  const setup = await http(url, 'POST', '/auth/mfa/totp/setup', { token });
  expect(setup.status).toBe(200);
  const secret = base32Decode(setup.body.secret)!;
  const codeAt = (offset: number) => hotp(secret, totpStep(Date.now()) + offset);
  const confirm = await http(url, 'POST', '/auth/mfa/totp/confirm', { token, json: { code: codeAt(-1) } });
  expect(confirm.status).toBe(200);
  expect(confirm.body.recoveryCodes).toHaveLength(10);

  const { rows } = await pool.query('SELECT totp_secret, pending_totp_secret, last_step FROM mfa_factors WHERE user_id = $1', [userId]);
  expect(rows).toHaveLength(1);
  expect(rows[0].totp_secret).toMatch(/^v1\.k1\./);
  expect(rows[0].pending_totp_secret).toBeNull();
  expect(Number(rows[0].last_step)).toBe(totpStep(Date.now()) - 1);
  for (const form of [setup.body.secret, secret.toString('hex'), secret.toString('base64')]) expect(JSON.stringify(rows)).not.toContain(form);
  const codes = await pool.query('SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
  expect(codes.rows).toHaveLength(10);
  for (const code of confirm.body.recoveryCodes as string[]) expect(JSON.stringify(codes.rows)).not.toContain(code.replace(/-/g, ''));
  expect((await http(url, 'GET', '/auth/me', { token })).body.mfa).toEqual({ enrolled: true, methods: ['totp', 'recovery_code'], recoveryCodesLeft: 10 });

  const login = await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
  expect(login.body).toMatchObject({ mfaRequired: true, methods: ['totp', 'recovery_code'] });
  expect(login.body.accessToken).toBeUndefined();
  const code = codeAt(0);
  const verified = await http(url, 'POST', '/auth/mfa/verify', { json: { mfaToken: login.body.mfaToken, code } });
  expect(verified.status).toBe(200);
  expect(verified.body.accessToken).toEqual(expect.any(String));
  const again = await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
  const replayed = await http(url, 'POST', '/auth/mfa/verify', { json: { mfaToken: again.body.mfaToken, code } });
  expect([replayed.status, replayed.body.code]).toEqual([401, 'mfa_code_invalid']);
  const recovered = await http(url, 'POST', '/auth/mfa/verify', { json: { mfaToken: again.body.mfaToken, recoveryCode: confirm.body.recoveryCodes[0] } });
  expect(recovered.status).toBe(200);
  expect((await pool.query('SELECT count(*)::int AS n FROM mfa_recovery_codes WHERE user_id = $1', [userId])).rows[0].n).toBe(9);
}
