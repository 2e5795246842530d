import { recoveryFixture } from '../../support/recovery-fixture';

describe('AccountDeletion', () => {
  it('ends the sessions, voids every kind of one-time token, deletes the user and emits AccountDeleted', async () => {
    const f = recoveryFixture();
    const { user } = await f.user();
    const other = await f.user('bob@example.com');
    for (const kind of ['password_reset', 'email_verification'] as const) {
      await f.tokens.issue({ kind, userId: user.id, hash: `h-${kind}`, binding: 'b', ttlMs: 60_000 });
    }
    expect(await f.deletion.deleteUser(user.id, { actorId: 'admin-1' })).toBe(true);
    expect(await f.sessions.list(user.id)).toEqual([]);
    expect(await f.users.findById(user.id)).toBeNull();
    for (const kind of ['password_reset', 'email_verification'] as const) {
      expect(await f.tokens.consume({ kind, userId: user.id, hash: `h-${kind}` })).toBeNull();
    }
    expect(await f.sessions.list(other.user.id)).toHaveLength(1);
    expect(f.events).toEqual([expect.objectContaining({ name: 'authkit.account.deleted', payload: expect.objectContaining({ userId: user.id, actorId: 'admin-1' }) })]);
  });

  it('the sessions end first: a store that fails to delete the user leaves it signed out everywhere', async () => {
    const f = recoveryFixture();
    const { user } = await f.user();
    jest.spyOn(f.users, 'deleteUser').mockRejectedValueOnce(new Error('store down'));
    await expect(f.deletion.deleteUser(user.id)).rejects.toThrow('store down');
    expect(await f.sessions.list(user.id)).toEqual([]);
    expect(f.events).toEqual([]);
  });

  it('an unknown user is false and emits nothing', async () => {
    const f = recoveryFixture();
    expect(await f.deletion.deleteUser('nobody')).toBe(false);
    expect(f.events).toEqual([]);
  });
});
