import { EmailTakenError, MemoryUserStore, StoreUnavailableError, type StoredUser } from '../../../lib';
import { guardUserStore } from '../../../lib/core/users/guarded-user.store';
import { describeUserStoreContract } from 'nestjs-authkit/testing';

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

  it('has the optional identity methods exactly when the store has them', () => {
    const store = guardUserStore({ ...new MemoryUserStore(), findById: async () => null } as never, quietLogger);
    expect(store.findByIdentity).toBeUndefined();
    expect(typeof guardUserStore(new MemoryUserStore(), quietLogger).findByIdentity).toBe('function');
  });
});
