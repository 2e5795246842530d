import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { MemoryOidcLogoutStore } from '../../../lib/features/oidc/memory-oidc-logout.store';
import type { OidcLogoutStore } from '../../../lib/features/oidc/oidc-logout-store.interface';
import { RedisOidcLogoutStore } from '../../../lib/features/oidc/redis-oidc-logout.store';

/** The OidcLogoutStore contract, on memory and on a real Redis. */
function contract(name: string, make: () => { store: OidcLogoutStore; close(): Promise<void> }): void {
  describe(`${name}: OidcLogoutStore contract`, () => {
    let store: OidcLogoutStore;
    let close: () => Promise<void>;
    const id = () => randomBytes(6).toString('hex');

    beforeEach(() => ({ store, close } = make()));
    afterEach(() => close());

    it('a remembered sid is taken once', async () => {
      const sub = id();
      await store.rememberSid('idp', sub, 'sid-1', 60_000);
      expect(await store.takeSid('idp', sub)).toBe('sid-1');
      expect(await store.takeSid('idp', sub)).toBeNull();
      expect(await store.takeSid('other', sub)).toBeNull();
    });

    it('sessions are taken by sid, or all; per provider; the sid names its user', async () => {
      const user = id();
      await store.addSession('idp', user, 's1', 'sid-a', 60_000);
      await store.addSession('idp', user, 's2', 'sid-b', 60_000);
      await store.addSession('idp', user, 's3', null, 60_000);
      await store.addSession('other', user, 's4', 'sid-a', 60_000);
      expect(await store.userOfSid('idp', 'sid-a')).toBe(user);
      // Those of the sid, and those recorded without one (fail closed).
      expect((await store.takeSessions('idp', user, 'sid-a')).sort()).toEqual(['s1', 's3']);
      expect(await store.takeSessions('idp', user, 'sid-a')).toEqual([]);
      expect(await store.takeSessions('idp', user)).toEqual(['s2']);
      expect(await store.takeSessions('other', user)).toEqual(['s4']);
    });

    it('a jti is claimed once', async () => {
      const jti = id();
      expect(await store.claimJti('idp', jti, 60_000)).toBe(true);
      expect(await store.claimJti('idp', jti, 60_000)).toBe(false);
      expect(await store.claimJti('other', jti, 60_000)).toBe(true);
    });
  });
}

contract('memory', () => ({ store: new MemoryOidcLogoutStore(), close: async () => undefined }));
contract('redis', () => {
  const redis = new Redis(process.env.REDIS_URL as string);
  return { store: new RedisOidcLogoutStore(redis, `t${randomBytes(4).toString('hex')}`), close: async () => void redis.disconnect() };
});
