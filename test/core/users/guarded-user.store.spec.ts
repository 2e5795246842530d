import { EmailTakenError, MemoryUserStore, StoreUnavailableError, type StoredUser } from '../../../lib';
import { guardCredentialStore, guardIdentityStore, guardUserStore } from '../../../lib/core/users/guarded-user.store';
import { describeCredentialStoreContract, describeIdentityStoreContract, describeUserStoreContract } from 'nestjs-authkit/testing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const quietLogger = { error: () => undefined } as never;

/** Like a uuid column: a lookup of anything else throws, as PostgreSQL does. */
class UuidColumnStore extends MemoryUserStore {
  lookups: string[] = [];
  isValidUserId(id: string): boolean {
    return UUID.test(id);
  }
  override async findById(id: string): Promise<StoredUser | null> {
    this.lookups.push(id);
    if (!UUID.test(id)) throw new Error(`invalid input syntax for type uuid: "${id}"`);
    return super.findById(id);
  }
}

describeUserStoreContract('MemoryUserStore behind the library guard', () => guardUserStore(new MemoryUserStore(), quietLogger));

/** One store seen through its three guarded ports, as the library sees an app's store: each port a separate object. */
function guardedPorts() {
  const store = new MemoryUserStore();
  return {
    users: guardUserStore(store, quietLogger), credentials: guardCredentialStore(store, quietLogger), identities: guardIdentityStore(store, quietLogger),
  };
}
describeCredentialStoreContract('MemoryUserStore behind the library guards (one object per port)', guardedPorts);
describeIdentityStoreContract('MemoryUserStore behind the library guards (one object per port)', async () => ({
  store: guardedPorts(), close: async () => undefined,
}));

describe('the library guard around an app UserStore', () => {
  it('never passes an id the store calls invalid, nor an empty, over-long or non-printable one', async () => {
    const inner = new UuidColumnStore();
    const store = guardUserStore(inner, quietLogger);
    for (const id of ['not-a-uuid', '', 'a'.repeat(129), 'a\u0000b', 'a b']) expect(await store.findById(id)).toBeNull();
    expect(inner.lookups).toEqual([]);
    const user = await store.create({ email: 'a@example.com', passwordHash: null, roles: [], emailVerified: false });
    expect(await store.findById(user.id)).toMatchObject({ id: user.id });
  });

  it('turns what the store throws into StoreUnavailableError, but lets AuthErrors through', async () => {
    const broken = new MemoryUserStore();
    broken.findByEmail = () => Promise.reject(new Error('connection refused'));
    const store = guardUserStore(broken, quietLogger);
    await expect(store.findByEmail('a@example.com')).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.create({ email: 'b@example.com', passwordHash: null, roles: [], emailVerified: false });
    await expect(store.create({ email: 'b@example.com', passwordHash: null, roles: [], emailVerified: false })).rejects.toBeInstanceOf(EmailTakenError);
  });

  it('passes emails normalised and compares what comes back normalised', async () => {
    const inner = new MemoryUserStore();
    const store = guardUserStore(inner, quietLogger);
    const user = await store.create({ email: '  Mixed@Example.COM ', passwordHash: null, roles: [], emailVerified: false });
    expect(user.email).toBe('mixed@example.com');
    expect(await store.findByEmail('MIXED@example.com')).toMatchObject({ id: user.id });
  });

  it('has the port methods only, and the optional deleteUser exactly when the store has it', () => {
    const guarded = guardUserStore(new MemoryUserStore(), quietLogger) as unknown as Record<string, unknown>;
    expect(typeof guarded.deleteUser).toBe('function');
    for (const other of ['setPasswordHash', 'findByIdentity', 'linkIdentity', 'isValidUserId']) expect(guarded[other]).toBeUndefined();
    const withoutDeletion = Object.fromEntries(
      ['findById', 'findByEmail', 'create', 'setRoles', 'setDisabled', 'markEmailVerified'].map((m) => [m, async () => null]),
    );
    expect(guardUserStore(withoutDeletion as never, quietLogger).deleteUser).toBeUndefined();
  });

  it('guards the identity and credential ports: emails normalised both ways, errors answered 503', async () => {
    const inner = new MemoryUserStore();
    const identities = guardIdentityStore(inner, quietLogger);
    const identity = { provider: 'github', providerUserId: 'gh-1', email: null, emailVerified: false };
    const { user } = await identities.createWithIdentity({ email: ' Ada@Example.COM', passwordHash: null, roles: [], emailVerified: true }, identity);
    expect(user.email).toBe('ada@example.com');
    expect((await identities.findByIdentity('github', 'gh-1'))?.email).toBe('ada@example.com');
    const broken = new MemoryUserStore();
    broken.linkIdentity = async () => { throw new Error('connection reset'); };
    await expect(guardIdentityStore(broken, quietLogger).linkIdentity(user.id, identity)).rejects.toBeInstanceOf(StoreUnavailableError);
    const credentials = guardCredentialStore({ setPasswordHash: async () => { throw new Error('down'); } }, quietLogger);
    await expect(credentials.setPasswordHash(user.id, null)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
