import { MemorySessionStore } from '../../../lib';
import { SessionRevokedError } from '../../../lib/core/errors/auth.errors';
import { CREDENTIAL_FLOOR_RETENTION_MS } from '../../../lib/core/sessions/session-fields';

/**
 * What the shared SessionStore contract leaves open for the in-process store: its clock stepping back, the sweep
 * that bounds its memory, a rotation without an ip, revoking for a user without sessions, and the credential
 * floor lapsing once the user has no session left.
 */
const settings = { idleTtlMs: 10_000, absoluteTtlMs: 100_000, reuseWindowMs: 1000, maxSessionsPerUser: 2 };
const hash = (c: string) => c.repeat(43);

describe('MemorySessionStore (in-process specifics)', () => {
  let clock: number;
  let store: MemorySessionStore;
  beforeEach(() => {
    clock = 1_000_000;
    store = new MemorySessionStore(settings, () => clock);
  });
  afterEach(() => {
    store.close();
    jest.useRealTimers();
  });

  it('orders by creation time, not by insertion, when the wall clock steps back: list and eviction', async () => {
    await store.create({ userId: 'u', sessionId: 'late', secretHash: hash('a') });
    clock -= 5000;
    await store.create({ userId: 'u', sessionId: 'early', secretHash: hash('b') });
    expect((await store.list('u')).map((s) => s.id)).toEqual(['early', 'late']);
    clock += 6000;
    await store.create({ userId: 'u', sessionId: 'newest', secretHash: hash('c') });
    // maxSessionsPerUser 2: the one created earliest goes, though it was inserted second.
    expect((await store.list('u')).map((s) => s.id)).toEqual(['late', 'newest']);
  });

  it('a rotation without an ip keeps the ip the session had; one with an ip replaces it', async () => {
    await store.create({ userId: 'u', sessionId: 's', secretHash: hash('a'), ip: '203.0.113.1' });
    expect((await store.rotate({ userId: 'u', sessionId: 's', presentedHash: hash('a'), nextHash: hash('b') })).status).toBe('rotated');
    expect((await store.list('u'))[0].ip).toBe('203.0.113.1');
    clock += 2000;
    await store.rotate({ userId: 'u', sessionId: 's', presentedHash: hash('b'), nextHash: hash('c'), ip: '203.0.113.2' });
    expect((await store.list('u'))[0].ip).toBe('203.0.113.2');
  });

  it('revoke for a user without any session is false, also after the last one went', async () => {
    await expect(store.revoke('nobody', 's')).resolves.toBe(false);
    await store.create({ userId: 'u', sessionId: 's', secretHash: hash('a') });
    await expect(store.revoke('u', 's')).resolves.toBe(true);
    await expect(store.revoke('u', 's')).resolves.toBe(false);
  });

  it('the credential floor of revokeAll lapses after its retention once the user has no session (revoked or expired)', async () => {
    await store.create({ userId: 'u', sessionId: 's', secretHash: hash('a'), credentialVersion: 1 });
    expect(await store.revokeAll('u', { credentialVersion: 5 })).toBe(1);
    await expect(store.create({ userId: 'u', sessionId: 'old', secretHash: hash('b'), credentialVersion: 4 })).rejects.toBeInstanceOf(SessionRevokedError);
    clock += CREDENTIAL_FLOOR_RETENTION_MS - 1;
    await expect(store.create({ userId: 'u', sessionId: 'old', secretHash: hash('b'), credentialVersion: 4 })).rejects.toBeInstanceOf(SessionRevokedError);
    clock += 1;
    await expect(store.create({ userId: 'u', sessionId: 'old', secretHash: hash('b'), credentialVersion: 4 })).resolves.toMatchObject({ id: 'old' });

    // Kept at the new version, the session holds the floor up; once it has expired and is gone, the floor lapses.
    await store.create({ userId: 'v', sessionId: 'kept', secretHash: hash('c'), credentialVersion: 1 });
    await store.revokeAll('v', { credentialVersion: 5, keep: { sessionId: 'kept' } });
    clock += CREDENTIAL_FLOOR_RETENTION_MS + settings.idleTtlMs;
    await expect(store.list('v')).resolves.toEqual([]);
    await expect(store.create({ userId: 'v', sessionId: 'old', secretHash: hash('d'), credentialVersion: 4 })).resolves.toMatchObject({ id: 'old' });
  });

  it('a floor is kept past its retention while the user still has a live session', async () => {
    const longLived = new MemorySessionStore({ ...settings, idleTtlMs: 3 * CREDENTIAL_FLOOR_RETENTION_MS, absoluteTtlMs: 4 * CREDENTIAL_FLOOR_RETENTION_MS }, () => clock);
    try {
      await longLived.create({ userId: 'u', sessionId: 'kept', secretHash: hash('a'), credentialVersion: 1 });
      await longLived.revokeAll('u', { credentialVersion: 5, keep: { sessionId: 'kept' } });
      clock += 2 * CREDENTIAL_FLOOR_RETENTION_MS;
      await expect(longLived.create({ userId: 'u', sessionId: 'old', secretHash: hash('b'), credentialVersion: 4 })).rejects.toBeInstanceOf(SessionRevokedError);
      await expect(longLived.exists('u', 'kept')).resolves.toBe(true);
    } finally {
      longLived.close();
    }
  });

  it('sweeps expired sessions and lapsed floors every minute, so memory does not grow with abandoned sessions; close() stops it', async () => {
    jest.useFakeTimers();
    const swept = new MemorySessionStore(settings, () => clock);
    const users = (swept as unknown as { users: Map<string, unknown> }).users;
    const floors = (swept as unknown as { floors: Map<string, unknown> }).floors;
    try {
      for (let i = 0; i < 5; i++) await swept.create({ userId: `u${i}`, sessionId: 's', secretHash: hash('a') });
      await swept.create({ userId: 'f', sessionId: 's', secretHash: hash('a') });
      await swept.revokeAll('f', { credentialVersion: 3 });
      expect(users.size).toBe(5);
      expect(floors.size).toBe(1);
      clock += settings.idleTtlMs + CREDENTIAL_FLOOR_RETENTION_MS;
      jest.advanceTimersByTime(59_999);
      expect(users.size).toBe(5);
      jest.advanceTimersByTime(1);
      expect(users.size).toBe(0);
      expect(floors.size).toBe(0);
      await swept.create({ userId: 'later', sessionId: 's', secretHash: hash('a') });
      swept.close();
      clock += settings.idleTtlMs;
      jest.advanceTimersByTime(120_000);
      expect(users.size).toBe(1);
    } finally {
      swept.close();
    }
  });
});
