import { Argon2PasswordHasher, type AuthModuleOptions, EmailTakenError, IdentityResolver, InvalidCredentialsError, MemoryUserStore, type PasswordHashingOptions, RegistrationDisabledError, ValidationFailedError } from '../../../lib';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { CountingPasswordHasher } from '../../support/counting-password-hasher';

const PASSWORD = 'purple-Otter-meadow-93';
const CHEAP: PasswordHashingOptions = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const CHEAP_B: PasswordHashingOptions = { memoryCostKiB: 2048, timeCost: 2, parallelism: 1 };

/** A resolver over a real MemoryUserStore and a real (cheap) argon2id hasher whose calls are counted. */
function setup(options: Partial<AuthModuleOptions> = {}, store = new MemoryUserStore()) {
  const resolved = resolveAuthOptions({ jwt: { secret: 'x'.repeat(32) }, passwordHashing: CHEAP, ...options });
  const hasher = new CountingPasswordHasher(new Argon2PasswordHasher(resolved.identity.passwordHashing));
  return { resolver: new IdentityResolver(store, store, hasher, resolved.identity), hasher, store };
}

/** The cost parameters in an argon2id PHC string, as `m=..,t=..,p=..` (argon2 writes them in its own order). */
function paramsOf(hash: string | null | undefined): string | undefined {
  const section = hash?.match(/^\$argon2id\$v=19\$([^$]+)\$/)?.[1];
  if (!section) return undefined;
  const params = Object.fromEntries(section.split(',').map((pair) => pair.split('=')));
  return `m=${params.m},t=${params.t},p=${params.p}`;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('IdentityResolver', () => {
  describe('register', () => {
    it('normalises the email, gives the default roles and stores an argon2id hash (never the password)', async () => {
      const { resolver, store } = setup();
      const user = await resolver.register({ email: '  Alice@Example.COM ', password: PASSWORD });
      expect(user).toMatchObject({ email: 'alice@example.com', roles: ['user'], emailVerified: false });
      expect(paramsOf(user.passwordHash)).toBe('m=1024,t=1,p=1');
      expect(user.passwordHash).not.toContain(PASSWORD);
      expect(await store.findByEmail('alice@example.com')).toMatchObject({ id: user.id, roles: ['user'] });
    });

    it('uses the configured default roles', async () => {
      const { resolver } = setup({ registration: { defaultRoles: ['member', 'reader'] } });
      expect((await resolver.register({ email: 'bob@example.com', password: PASSWORD })).roles).toEqual(['member', 'reader']);
    });

    it('a duplicate email (in any case) is EmailTakenError', async () => {
      const { resolver } = setup();
      await resolver.register({ email: 'carol@example.com', password: PASSWORD });
      await expect(resolver.register({ email: ' CAROL@example.com', password: `${PASSWORD}-2` })).rejects.toBeInstanceOf(EmailTakenError);
    });

    it('is refused with RegistrationDisabledError when registration is disabled, before any hashing', async () => {
      const { resolver, hasher, store } = setup({ registration: { enabled: false } });
      await expect(resolver.register({ email: 'dave@example.com', password: PASSWORD })).rejects.toBeInstanceOf(RegistrationDisabledError);
      expect(hasher.calls.hash).toBe(0);
      expect(await store.findByEmail('dave@example.com')).toBeNull();
      // Seeding through createUser still works.
      expect((await resolver.createUser({ email: 'dave@example.com', password: PASSWORD, roles: ['admin'] })).roles).toEqual(['admin']);
    });
  });

  describe('login', () => {
    it('returns the user for the right password, whatever the email case and spacing', async () => {
      const { resolver } = setup();
      const registered = await resolver.register({ email: 'erin@example.com', password: PASSWORD });
      const user = await resolver.login({ email: ' ERIN@Example.com ', password: PASSWORD });
      expect(user).toMatchObject({ id: registered.id, email: 'erin@example.com', roles: ['user'] });
    });

    it('wrong password and unknown email fail with the same InvalidCredentialsError', async () => {
      const { resolver } = setup();
      await resolver.register({ email: 'frank@example.com', password: PASSWORD });
      const wrongPassword = await rejection(resolver.login({ email: 'frank@example.com', password: `${PASSWORD}!` }));
      const unknownEmail = await rejection(resolver.login({ email: 'nobody@example.com', password: PASSWORD }));
      expect(wrongPassword).toBeInstanceOf(InvalidCredentialsError);
      expect(unknownEmail).toBeInstanceOf(InvalidCredentialsError);
      expect(unknownEmail.message).toBe(wrongPassword.message);
      expect((unknownEmail as InvalidCredentialsError).code).toBe((wrongPassword as InvalidCredentialsError).code);
    });

    it("runs the hasher's verify exactly once for an unknown email, as for a known one", async () => {
      const { resolver, hasher } = setup();
      await resolver.register({ email: 'grace@example.com', password: PASSWORD });

      hasher.reset();
      await expect(resolver.login({ email: 'nobody@example.com', password: PASSWORD })).rejects.toBeInstanceOf(InvalidCredentialsError);
      expect(hasher.calls.verify).toBe(1);

      hasher.reset();
      await expect(resolver.login({ email: 'nobody-else@example.com', password: PASSWORD })).rejects.toBeInstanceOf(InvalidCredentialsError);
      expect(hasher.calls.verify).toBe(1);

      hasher.reset();
      await expect(resolver.login({ email: 'grace@example.com', password: `${PASSWORD}!` })).rejects.toBeInstanceOf(InvalidCredentialsError);
      expect(hasher.calls.verify).toBe(1);
    });

    it('rehashes on login when the hashing parameters changed, and not when they did not', async () => {
      const store = new MemoryUserStore();
      const a = setup({ passwordHashing: CHEAP }, store);
      const registered = await a.resolver.register({ email: 'heidi@example.com', password: PASSWORD });
      expect(paramsOf(registered.passwordHash)).toBe('m=1024,t=1,p=1');

      a.hasher.reset();
      await a.resolver.login({ email: 'heidi@example.com', password: PASSWORD });
      expect(a.hasher.calls.hash).toBe(0);
      expect((await store.findById(registered.id))?.passwordHash).toBe(registered.passwordHash);

      const b = setup({ passwordHashing: CHEAP_B }, store);
      const user = await b.resolver.login({ email: 'heidi@example.com', password: PASSWORD });
      const stored = (await store.findById(registered.id))?.passwordHash;
      expect(paramsOf(stored)).toBe('m=2048,t=2,p=1');
      expect(user.passwordHash).toBe(stored);

      b.hasher.reset();
      await b.resolver.login({ email: 'heidi@example.com', password: PASSWORD });
      expect(b.hasher.calls.hash).toBe(0);
      expect((await store.findById(registered.id))?.passwordHash).toBe(stored);
    });

    it('a wrong password never triggers a rehash', async () => {
      const store = new MemoryUserStore();
      const registered = await setup({ passwordHashing: CHEAP }, store).resolver.register({ email: 'ivan@example.com', password: PASSWORD });
      const b = setup({ passwordHashing: CHEAP_B }, store);
      await expect(b.resolver.login({ email: 'ivan@example.com', password: `${PASSWORD}!` })).rejects.toBeInstanceOf(InvalidCredentialsError);
      expect(b.hasher.calls.hash).toBe(0);
      expect((await store.findById(registered.id))?.passwordHash).toBe(registered.passwordHash);
    });
  });

  describe('over-long passwords', () => {
    it.each([129, 10_000])('a %d-character password is rejected without calling hash or verify', async (length) => {
      const { resolver, hasher } = setup();
      await resolver.register({ email: 'judy@example.com', password: PASSWORD });
      hasher.reset();
      const huge = 'a'.repeat(length);
      await expect(resolver.login({ email: 'judy@example.com', password: huge })).rejects.toBeInstanceOf(ValidationFailedError);
      await expect(resolver.login({ email: 'nobody@example.com', password: huge })).rejects.toBeInstanceOf(ValidationFailedError);
      await expect(resolver.register({ email: 'karl@example.com', password: huge })).rejects.toBeInstanceOf(ValidationFailedError);
      expect(hasher.calls).toEqual({ hash: 0, verify: 0, needsRehash: 0 });
    });

    it('(control) 128 characters are accepted', async () => {
      const { resolver } = setup();
      const password = 'b'.repeat(120) + 'Z9-x_q7!';
      await resolver.register({ email: 'leo@example.com', password });
      expect((await resolver.login({ email: 'leo@example.com', password })).email).toBe('leo@example.com');
    });
  });
});
