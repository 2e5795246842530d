import * as bcrypt from 'bcryptjs';
import { BcryptLegacyPasswordHasher, type StoredUser, UserStore } from '../../lib';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'the password they chose in 2019';

/**
 * Users moved from an app that hashed with bcrypt (an `@nestjs/passport` app, say), in the library's Redis user store
 * with their hashes as they were: `passwordHasher: BcryptLegacyPasswordHasher` (built by Nest with the module's
 * argon2id parameters) signs them in and replaces each bcrypt hash with an argon2id one at that sign-in.
 */
describe('signing in users whose stored hash is bcrypt (BcryptLegacyPasswordHasher)', () => {
  let test: TestApp;
  let users: UserStore;

  beforeAll(async () => {
    test = await createTestApp({ passwordHasher: BcryptLegacyPasswordHasher });
    users = test.app.get<UserStore>(UserStore, { strict: false });
  });

  afterAll(() => test?.close());

  async function importUser(passwordHash: string): Promise<StoredUser> {
    return users.create({ email: uniqueEmail('bcrypt'), passwordHash, roles: ['user'], emailVerified: true });
  }

  async function storedHash(user: StoredUser): Promise<string | null> {
    return (await users.findById(user.id))?.passwordHash ?? null;
  }

  it('a wrong password is 401 invalid_credentials and leaves the bcrypt hash as it was', async () => {
    const hash = await bcrypt.hash(PASSWORD, 10);
    const user = await importUser(hash);
    const refused = await http(test.url, 'POST', '/auth/login', { json: { email: user.email, password: `${PASSWORD}!` } });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('invalid_credentials');
    expect(await storedHash(user)).toBe(hash);
  });

  it('the right password signs in (200), and the stored hash is argon2id afterwards; the next sign-in uses it', async () => {
    const hash = await bcrypt.hash(PASSWORD, 10);
    const user = await importUser(hash);
    const versionBefore = (await users.findById(user.id))?.credentialVersion;

    const login = await http(test.url, 'POST', '/auth/login', { json: { email: user.email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ id: user.id, roles: ['user'] });
    const rehashed = await storedHash(user);
    expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    // The same password: no credential change, so the session just created (and any other) stays valid.
    expect((await users.findById(user.id))?.credentialVersion).toBe(versionBefore);
    expect((await http(test.url, 'GET', '/profile', { token: login.body.accessToken })).status).toBe(200);
    const refreshed = await http(test.url, 'POST', '/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);

    const again = await http(test.url, 'POST', '/auth/login', { json: { email: user.email, password: PASSWORD } });
    expect(again.status).toBe(200);
    expect(await storedHash(user)).toBe(rehashed);
    expect((await http(test.url, 'POST', '/auth/login', { json: { email: user.email, password: 'not it at all' } })).status).toBe(401);
  });

  it('a fixed $2a$ vector (Openwall crypt_blowfish) and a $2b$ one sign in and are rehashed', async () => {
    for (const [hash, password] of [
      ['$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK', 'U*U*'],
      ['$2b$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a', 'U*U*U'],
    ]) {
      const user = await importUser(hash);
      expect((await http(test.url, 'POST', '/auth/login', { json: { email: user.email, password: `${password}x` } })).status).toBe(401);
      expect((await http(test.url, 'POST', '/auth/login', { json: { email: user.email, password } })).status).toBe(200);
      expect(await storedHash(user)).toMatch(/^\$argon2id\$/);
    }
  });

  it('new users (registration) get argon2id hashes straight away', async () => {
    const email = uniqueEmail('bcrypt-new');
    const registered = await http(test.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(registered.status).toBe(201);
    expect((await users.findByEmail(email))?.passwordHash).toMatch(/^\$argon2id\$/);
  });
});
