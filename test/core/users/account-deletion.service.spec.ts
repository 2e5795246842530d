import { AccountDeletion } from '../../../lib/core/users/account-deletion.service';
import { SessionRevokedError } from '../../../lib/core/errors/auth.errors';
import { SessionStore } from '../../../lib/core/ports/session-store.interface';
import { credentialVersionOf, UserStore } from '../../../lib/core/ports/user-store.interface';
import { createTestApp, uniqueEmail } from '../../support/test-app';
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

describe('AccountDeletion sets the credential floor first (issue 22, item 9)', () => {
  it('memory stores: a login that read the user before the deletion cannot create a session after it', async () => {
    const f = recoveryFixture();
    const { user } = await f.user();
    const readByLogin = user.credentialVersion; // what a login in flight read
    expect(await f.deletion.deleteUser(user.id)).toBe(true);
    await expect(f.sessions.create({ userId: user.id, sessionId: 'late', secretHash: 'h'.repeat(43), credentialVersion: readByLogin }))
      .rejects.toThrow(SessionRevokedError);
    expect(await f.sessions.list(user.id)).toEqual([]);
  });

  it('real Redis: the same, through the module\'s own stores', async () => {
    const t = await createTestApp();
    try {
      const users = t.app.get<UserStore>(UserStore, { strict: false });
      const sessions = t.app.get<SessionStore>(SessionStore, { strict: false });
      const deletion = t.app.get(AccountDeletion, { strict: false });
      const user = await users.create({ email: uniqueEmail('deleted'), passwordHash: null, roles: [], emailVerified: true });
      const readByLogin = credentialVersionOf(user);
      await sessions.create({ userId: user.id, sessionId: 'before', secretHash: 'h'.repeat(43), credentialVersion: readByLogin });
      expect(await deletion.deleteUser(user.id)).toBe(true);
      await expect(sessions.create({ userId: user.id, sessionId: 'late', secretHash: 'h'.repeat(43), credentialVersion: readByLogin }))
        .rejects.toThrow(SessionRevokedError);
      expect(await sessions.exists(user.id, 'late')).toBe(false);
    } finally {
      await t.close();
    }
  });
});
