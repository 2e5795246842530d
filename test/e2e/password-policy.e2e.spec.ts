import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  COMMON_PASSWORDS_FILE, loadCommonPasswords, PasswordPolicy, resolvePasswordPolicyOptions,
} from '../../lib/core/users/password-policy';
import { AuthService, WeakPasswordError } from '../../lib';
import { http, uniqueEmail } from '../support/test-app';
import { type AbuseApp, createAbuseApp, strongPassword } from '../support/abuse-app';

const ROOT = join(__dirname, '..', '..');

describe('password policy', () => {
  let t: AbuseApp;

  beforeAll(async () => {
    t = await createAbuseApp({ passwordPolicy: { blocklist: ['acme rocket corp'] } });
  });

  afterAll(async () => {
    await t?.close();
  });

  const register = (email: string, password: string) => http(t.url, 'POST', '/auth/register', { json: { email, password } });

  it.each([
    ['a top-10k password', 'password123'],
    ['the same in another case', 'PassWord123'],
    ['a long common one', 'qwertyuiop'],
    ['the configured blocklist, case-insensitively', 'ACME Rocket Corp'],
  ])('%s -> 400 weak_password, nothing created, nothing hashed', async (_name, password) => {
    const email = uniqueEmail('weak');
    t.hasher.reset();
    const res = await register(email, password);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, code: 'weak_password', message: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain(password);
    expect(t.hasher.calls.hash).toBe(0);
    expect((await register(email, strongPassword())).status).toBe(201); // the email was not taken
  });

  it('the email (or its local part) as password -> 400 weak_password', async () => {
    const email = uniqueEmail('self');
    expect((await register(email, email.toUpperCase())).body.code).toBe('weak_password');
    expect((await register(email, email.slice(0, email.indexOf('@')))).body.code).toBe('weak_password');
  });

  it('length: 7 -> 400, 8 and 128 accepted, 129 -> 400; no composition rules (all lower-case letters is fine)', async () => {
    expect((await register(uniqueEmail(), 'abcdefg')).body.code).toBe('validation_failed');
    expect((await register(uniqueEmail(), 'zqxwvjkp')).status).toBe(201);
    expect((await register(uniqueEmail(), 'k'.repeat(127) + 'z')).status).toBe(201);
    expect((await register(uniqueEmail(), 'k'.repeat(129))).body.code).toBe('validation_failed');
  });

  it('no truncation: a 100-character password does not log in with its first 72 characters', async () => {
    const email = uniqueEmail('long');
    const password = `${strongPassword()}${'-long-tail'.repeat(12)}`.slice(0, 100);
    expect(password).toHaveLength(100);
    expect((await register(email, password)).status).toBe(201);
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: password.slice(0, 72) } })).status).toBe(401);
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: password.slice(0, 99) } })).status).toBe(401);
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password } })).status).toBe(200);
  });

  it('a 1 MB body is refused with 413 before anything is hashed or verified', async () => {
    t.hasher.reset();
    const huge = JSON.stringify({ email: uniqueEmail(), password: 'x'.repeat(1024 * 1024) });
    for (const path of ['/auth/register', '/auth/login']) {
      const res = await http(t.url, 'POST', path, { body: huge, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    }
    // Below the body limit but above 128 characters: 400 before hashing.
    const long = await register(uniqueEmail(), 'x'.repeat(64 * 1024));
    expect(long.status).toBe(400);
    expect(t.hasher.calls).toEqual({ hash: 0, verify: 0, needsRehash: 0 });
  });

  it('password changes go through the policy too (AuthService.changePassword)', async () => {
    const email = uniqueEmail('change');
    const reg = await register(email, strongPassword());
    await expect(t.app.get(AuthService).changePassword(reg.body.user.id, 'iloveyou1')).rejects.toBeInstanceOf(WeakPasswordError);
  });

  it('minLength option: shorter new passwords are refused with weak_password', async () => {
    const strict = await createAbuseApp({ passwordPolicy: { minLength: 12 } });
    try {
      const res = await http(strict.url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: 'zqxw vjkp 1' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('weak_password');
      expect((await http(strict.url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: 'zqxw vjkp 12' } })).status).toBe(201);
    } finally {
      await strict.close();
    }
  });

  it('options are validated at start-up', () => {
    expect(() => resolvePasswordPolicyOptions({ minLength: 6 })).toThrow(/passwordPolicy.minLength/);
    expect(() => resolvePasswordPolicyOptions({ minLength: 200 })).toThrow(/passwordPolicy.minLength/);
    expect(() => resolvePasswordPolicyOptions({ rejectCommon: 'yes' as unknown as boolean })).toThrow(/rejectCommon/);
    expect(() => resolvePasswordPolicyOptions({ blocklist: [''] })).toThrow(/blocklist/);
    const lax = new PasswordPolicy(resolvePasswordPolicyOptions({ rejectCommon: false }));
    expect(() => lax.check('password123')).not.toThrow();
  });

  it('lone surrogates (which argon2 would hash as U+FFFD, making different passwords equal) are refused', () => {
    const policy = new PasswordPolicy();
    expect(() => policy.check('\ud800abcdefghij')).toThrow(/password/);
    expect(() => policy.check('😀😀😀😀😀😀😀😀')).not.toThrow(); // 8 code points, 16 UTF-16 units
  });
});

describe('the built-in common-password list ships as data', () => {
  it('has 10 000 lower-cased entries of 8+ characters, most common first', () => {
    const list = loadCommonPasswords();
    expect(list.size).toBe(10_000);
    expect(list.has('password')).toBe(true);
    expect(list.has('12345678')).toBe(true);
    for (const entry of list) {
      expect(entry.length).toBeGreaterThanOrEqual(8);
      expect(entry).toBe(entry.toLowerCase());
    }
    expect(readFileSync(COMMON_PASSWORDS_FILE, 'utf8')).toMatch(/^# .*\n# Source: /);
  });

  it('`npm run build` copies every non-TypeScript file of lib/ to dist/ (tsc does not)', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build as string;
    const assets: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (!name.endsWith('.ts')) assets.push(relative(ROOT, path));
      }
    };
    walk(join(ROOT, 'lib'));
    expect(assets).toContain('lib/core/users/common-passwords.txt');
    for (const asset of assets) {
      expect(build).toContain(asset);
      expect(build).toContain(asset.replace(/^lib\//, 'dist/'));
    }
    // And the package ships dist/ (the list inside it).
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).files).toContain('dist');
    expect(existsSync(COMMON_PASSWORDS_FILE)).toBe(true);
  });
});
