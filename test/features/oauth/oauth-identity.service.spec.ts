import { type AuthModuleOptions, EmailTakenError, type CredentialStore, type IdentityStore, LastSignInMethodError, MemorySessionStore, MemoryUserStore, type NewUser, type NewUserIdentity, OAuthAccountExistsError, OAuthEmailUnverifiedError, OAuthIdentityInUseError, OAuthIdentityNotFoundError, OAuthProviderAlreadyLinkedError, RegistrationDisabledError, type StoredUser, type UserStore, UserDisabledError } from '../../../lib';
import { AccountSecuring } from '../../../lib/core/users/account-securing.service';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { OAuthIdentityResolver, oauthLinkingSettings } from '../../../lib/features/oauth/oauth-identity.service';
import { type OAuthProfile } from '../../../lib/features/oauth/oauth-profile';
import { TEST_SECRET } from '../../support/test-app';

const GOOGLE = { clientId: 'id', clientSecret: 'secret', callbackUrl: 'https://app.example/auth/google/callback' };
let seq = 0;

function profile(overrides: Partial<OAuthProfile> = {}): OAuthProfile {
  seq += 1;
  return { provider: 'google', providerUserId: `sub-${seq}`, email: `user${seq}@example.com`, emailVerified: true, ...overrides };
}

describe('OAuthIdentityResolver (linking rules)', () => {
  let users: MemoryUserStore;
  let sessions: MemorySessionStore;

  function resolver(options: Partial<AuthModuleOptions> = {}, store: MemoryUserStore = users): OAuthIdentityResolver {
    const resolved = resolveAuthOptions({ jwt: { secret: TEST_SECRET }, ...options, oauth: { google: GOOGLE, ...options.oauth } });
    return new OAuthIdentityResolver(store, store, new AccountSecuring(store, store, sessions, store), oauthLinkingSettings(resolved.oauth, resolved.identity, resolved.account));
  }

  async function passwordAccount(email: string, emailVerified = false): Promise<StoredUser> {
    return users.create({ email, passwordHash: 'argon2-hash', roles: ['user'], emailVerified });
  }

  async function disable(userId: string): Promise<void> {
    await users.setDisabled(userId, true);
  }

  async function openSessions(userId: string, count = 2): Promise<void> {
    for (let i = 0; i < count; i++) {
      await sessions.create({ userId, sessionId: `${userId}-s${i}`, secretHash: `h${i}` });
    }
  }

  beforeEach(() => {
    users = new MemoryUserStore();
    sessions = new MemorySessionStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000, reuseWindowMs: 5000, maxSessionsPerUser: 10 });
  });

  describe('new identity', () => {
    it('verified email, no such user -> created with that email, marked verified, no password, default roles', async () => {
      const p = profile();
      const result = await resolver({ registration: { defaultRoles: ['member'] } }).resolveLogin(p);
      expect(result.outcome).toBe('created');
      expect(result.user).toMatchObject({ email: p.email, emailVerified: true, passwordHash: null, roles: ['member'] });
      expect((await users.findByIdentity('google', p.providerUserId))?.id).toBe(result.user.id);
      expect(await users.listIdentities(result.user.id)).toEqual([
        { provider: 'google', providerUserId: p.providerUserId, email: p.email, emailVerified: true, linkedAt: expect.any(Number) },
      ]);
    });

    it('unverified email -> a new user WITHOUT that email (not claimed), even when nobody has it', async () => {
      const p = profile({ emailVerified: false });
      const result = await resolver().resolveLogin(p);
      expect(result.outcome).toBe('created');
      expect(result.user).toMatchObject({ email: null, emailVerified: false });
      expect(await users.findByEmail(p.email!)).toBeNull();
    });

    it('no email at all -> a new user without email', async () => {
      const result = await resolver().resolveLogin(profile({ email: null, emailVerified: false }));
      expect(result.user.email).toBeNull();
    });

    it("unverified email with unverifiedEmail: 'refuse' -> OAuthEmailUnverifiedError, nothing created", async () => {
      const p = profile({ emailVerified: false });
      await expect(resolver({ oauth: { unverifiedEmail: 'refuse' } }).resolveLogin(p)).rejects.toBeInstanceOf(OAuthEmailUnverifiedError);
      await expect(resolver({ oauth: { unverifiedEmail: 'refuse' } }).resolveLogin(profile({ email: null, emailVerified: false })))
        .rejects.toBeInstanceOf(OAuthEmailUnverifiedError);
      expect(await users.findByIdentity('google', p.providerUserId)).toBeNull();
    });

    it('registration disabled -> no new users (RegistrationDisabledError), but linking and known identities still work', async () => {
      const closed = resolver({ registration: { enabled: false } });
      await expect(closed.resolveLogin(profile())).rejects.toBeInstanceOf(RegistrationDisabledError);
      const existing = await passwordAccount('member@example.com', true);
      const p = profile({ email: 'member@example.com' });
      expect((await closed.resolveLogin(p)).user.id).toBe(existing.id);
      expect((await closed.resolveLogin(p)).outcome).toBe('existing');
    });

    it('10 concurrent first logins of one identity -> one user', async () => {
      const p = profile({ emailVerified: false });
      const r = resolver();
      const results = await Promise.all(Array.from({ length: 10 }, () => r.resolveLogin(p)));
      expect(new Set(results.map((x) => x.user.id)).size).toBe(1);
      expect(results.filter((x) => x.outcome === 'created')).toHaveLength(1);
    });

    it('the email gets registered between lookup and creation -> resolved again as a link to that user', async () => {
      const p = profile();
      let registered: StoredUser | undefined;
      class RacingStore extends MemoryUserStore {
        override async createWithIdentity(user: NewUser, identity: NewUserIdentity) {
          registered ??= await this.create({ email: p.email, passwordHash: 'h', roles: ['user'], emailVerified: true });
          return super.createWithIdentity(user, identity);
        }
      }
      const racing = new RacingStore();
      const result = await resolver({}, racing).resolveLogin(p);
      expect(result.outcome).toBe('linked');
      expect(result.user.id).toBe(registered!.id);
      expect((await racing.findByIdentity('google', p.providerUserId))?.id).toBe(registered!.id);
    });
  });

  describe('known identity', () => {
    it('-> its user, whatever the email says now', async () => {
      const p = profile();
      const first = await resolver().resolveLogin(p);
      const again = await resolver().resolveLogin({ ...p, email: 'changed@example.com', emailVerified: false });
      expect(again).toEqual({ user: expect.objectContaining({ id: first.user.id }), outcome: 'existing', accountSecured: false });
    });

    it('a disabled user -> UserDisabledError', async () => {
      const p = profile();
      const { user } = await resolver().resolveLogin(p);
      await disable(user.id);
      await expect(resolver().resolveLogin(p)).rejects.toBeInstanceOf(UserDisabledError);
    });
  });

  describe('verified email of an existing user', () => {
    it('owner with a VERIFIED email -> linked; password and sessions kept', async () => {
      const owner = await passwordAccount('owner@example.com', true);
      await openSessions(owner.id);
      const result = await resolver().resolveLogin(profile({ email: 'owner@example.com' }));
      expect(result).toMatchObject({ outcome: 'linked', accountSecured: false, user: { id: owner.id } });
      expect((await users.findById(owner.id))?.passwordHash).toBe('argon2-hash');
      expect(await sessions.list(owner.id)).toHaveLength(2);
    });

    it('owner with an UNVERIFIED email (pre-account takeover) -> linked, password invalidated, all sessions revoked, email now verified', async () => {
      const owner = await passwordAccount('victim@example.com', false);
      await openSessions(owner.id, 3);
      const result = await resolver().resolveLogin(profile({ email: 'victim@example.com' }));
      expect(result).toMatchObject({ outcome: 'linked', accountSecured: true, user: { id: owner.id, passwordHash: null, emailVerified: true } });
      const stored = await users.findById(owner.id);
      expect(stored).toMatchObject({ passwordHash: null, emailVerified: true });
      expect(await sessions.list(owner.id)).toHaveLength(0);
    });

    it('pre-account takeover: every identity the squatter linked is unlinked (also one of the same provider) before the new one is linked', async () => {
      const owner = await passwordAccount('victim2@example.com', false);
      await users.linkIdentity(owner.id, { provider: 'github', providerUserId: 'squatter-gh', email: null, emailVerified: false });
      await users.linkIdentity(owner.id, { provider: 'google', providerUserId: 'squatter-google', email: null, emailVerified: false });
      const p = profile({ email: 'victim2@example.com' });
      const result = await resolver().resolveLogin(p);
      expect(result).toMatchObject({ outcome: 'linked', accountSecured: true, user: { id: owner.id } });
      expect((await users.listIdentities(owner.id)).map((i) => [i.provider, i.providerUserId])).toEqual([['google', p.providerUserId]]);
      expect(await users.findByIdentity('github', 'squatter-gh')).toBeNull();
      expect(await users.findByIdentity('google', 'squatter-google')).toBeNull();
    });

    it('two concurrent takeovers by the owner: the later one does not revoke the session the earlier one opened', async () => {
      // B pauses right after invalidating the password; A completes meanwhile and opens a session.
      let paused: (() => void) | undefined;
      const resume = new Promise<void>((resolve) => (paused = resolve));
      let reached!: () => void;
      const bPaused = new Promise<void>((resolve) => (reached = resolve));
      class PausingStore extends MemoryUserStore {
        pauseNext = false;
        override async setPasswordHash(id: string, hash: string | null): Promise<boolean> {
          const applied = await super.setPasswordHash(id, hash);
          if (this.pauseNext) {
            this.pauseNext = false;
            reached();
            await resume;
          }
          return applied;
        }
      }
      const store = new PausingStore();
      users = store;
      const owner = await store.create({ email: 'twice@example.com', passwordHash: 'argon2-hash', roles: ['user'], emailVerified: false });
      await openSessions(owner.id, 2); // the squatter's sessions
      store.pauseNext = true;
      const b = resolver({}, store).resolveLogin(profile({ email: 'twice@example.com' }));
      await bPaused;
      const a = await resolver({}, store).resolveLogin(profile({ email: 'twice@example.com', provider: 'github', providerUserId: 'gh-1' }));
      expect(a).toMatchObject({ outcome: 'linked', accountSecured: true });
      await sessions.create({ userId: owner.id, sessionId: 'session-of-a', secretHash: 'ha', credentialVersion: a.user.credentialVersion });
      paused!();
      expect(await b).toMatchObject({ outcome: 'linked', accountSecured: true });
      expect((await sessions.list(owner.id)).map((s) => s.id)).toEqual(['session-of-a']);
      expect(await store.findById(owner.id)).toMatchObject({ passwordHash: null, emailVerified: true });
      // Nor does it unlink the identity the earlier one linked.
      expect((await store.listIdentities(owner.id)).map((i) => i.provider).sort()).toEqual(['github', 'google']);
    });

    it('the defence runs before the link: if invalidation fails, nothing is linked', async () => {
      class FailingStore extends MemoryUserStore {
        override async setPasswordHash(): Promise<boolean> {
          throw new Error('store down');
        }
      }
      const failing = new FailingStore();
      const owner = await failing.create({ email: 'victim2@example.com', passwordHash: 'argon2-hash', roles: ['user'], emailVerified: false });
      const p = profile({ email: 'victim2@example.com' });
      await expect(resolver({}, failing).resolveLogin(p)).rejects.toThrow('store down');
      expect(await failing.findByIdentity('google', p.providerUserId)).toBeNull();
      expect((await failing.findById(owner.id))?.passwordHash).toBe('argon2-hash');
    });

    it("linking: 'never' -> OAuthAccountExistsError; the account is untouched", async () => {
      const owner = await passwordAccount('keep@example.com', false);
      await openSessions(owner.id);
      const p = profile({ email: 'keep@example.com' });
      await expect(resolver({ oauth: { linking: 'never' } }).resolveLogin(p)).rejects.toBeInstanceOf(OAuthAccountExistsError);
      expect((await users.findById(owner.id))?.passwordHash).toBe('argon2-hash');
      expect(await sessions.list(owner.id)).toHaveLength(2);
      expect(await users.findByIdentity('google', p.providerUserId)).toBeNull();
    });

    it('an UNVERIFIED provider email matching a user -> never linked; the account is untouched', async () => {
      const owner = await passwordAccount('target@example.com', false);
      await openSessions(owner.id);
      const result = await resolver().resolveLogin(profile({ email: 'target@example.com', emailVerified: false }));
      expect(result.user.id).not.toBe(owner.id);
      expect(result.user.email).toBeNull();
      expect((await users.findById(owner.id))?.passwordHash).toBe('argon2-hash');
      expect(await sessions.list(owner.id)).toHaveLength(2);
    });

    it('the owner already has another identity of that provider -> OAuthAccountExistsError', async () => {
      const first = await resolver().resolveLogin(profile({ email: 'two@example.com' }));
      await expect(resolver().resolveLogin(profile({ email: 'two@example.com' }))).rejects.toBeInstanceOf(OAuthAccountExistsError);
      expect(await users.listIdentities(first.user.id)).toHaveLength(1);
    });

    it('a disabled owner -> UserDisabledError, no link', async () => {
      const owner = await passwordAccount('off@example.com', true);
      await disable(owner.id);
      const p = profile({ email: 'off@example.com' });
      await expect(resolver().resolveLogin(p)).rejects.toBeInstanceOf(UserDisabledError);
      expect(await users.findByIdentity('google', p.providerUserId)).toBeNull();
    });
  });

  describe('signed-in linking and unlinking', () => {
    it('links any provider account (even with an unverified email) to the signed-in user; idempotent', async () => {
      const user = await passwordAccount('me@example.com', true);
      const p = profile({ provider: 'github', email: 'other@example.com', emailVerified: false });
      await resolver().linkToUser(user.id, p);
      await resolver().linkToUser(user.id, p);
      expect((await users.findByIdentity('github', p.providerUserId))?.id).toBe(user.id);
    });

    it("someone else's identity -> OAuthIdentityInUseError; a second account of a linked provider -> OAuthProviderAlreadyLinkedError", async () => {
      const p = profile();
      await resolver().resolveLogin(p);
      const user = await passwordAccount('me2@example.com', true);
      await expect(resolver().linkToUser(user.id, p)).rejects.toBeInstanceOf(OAuthIdentityInUseError);
      await resolver().linkToUser(user.id, profile());
      await expect(resolver().linkToUser(user.id, profile())).rejects.toBeInstanceOf(OAuthProviderAlreadyLinkedError);
    });

    it('unlink: not linked -> OAuthIdentityNotFoundError; the only way to sign in -> LastSignInMethodError; with a password -> removed', async () => {
      const { user } = await resolver().resolveLogin(profile());
      await expect(resolver().unlink(user.id, 'github')).rejects.toBeInstanceOf(OAuthIdentityNotFoundError);
      await expect(resolver().unlink(user.id, 'google')).rejects.toBeInstanceOf(LastSignInMethodError);
      await users.setPasswordHash(user.id, 'h');
      await resolver().unlink(user.id, 'google');
      expect(await resolver().listIdentities(user.id)).toEqual([]);
    });
  });

  it('refuses to start with OAuth providers configured and no IdentityStore, naming the port and its methods', () => {
    const minimal: UserStore & CredentialStore = {
      findById: async () => null, findByEmail: async () => null, create: async () => { throw new EmailTakenError(); },
      setPasswordHash: async () => undefined, setRoles: async () => undefined, setDisabled: async () => undefined, markEmailVerified: async () => undefined,
    };
    const settings = (oauth: Partial<AuthModuleOptions>) => {
      const resolved = resolveAuthOptions({ jwt: { secret: TEST_SECRET }, ...oauth });
      return oauthLinkingSettings(resolved.oauth, resolved.identity, resolved.account);
    };
    expect(() => new OAuthIdentityResolver(minimal, null, new AccountSecuring(minimal, minimal, sessions, null), settings({ oauth: { google: GOOGLE } }))).toThrow(
      /OAuth sign-in \(google\) needs an IdentityStore.*findByIdentity, createWithIdentity, linkIdentity, listIdentities, unlinkIdentity, unlinkAllIdentities.*identityStore/,
    );
    const noOAuth = new OAuthIdentityResolver(minimal, null, new AccountSecuring(minimal, minimal, sessions, null), settings({}));
    return expect(noOAuth.listIdentities('u')).resolves.toEqual([]);
  });

  it('IdentityStore, CredentialStore and UserStore are all implemented by both default adapters', () => {
    const check = (store: UserStore & CredentialStore & IdentityStore) => store;
    expect(check(new MemoryUserStore())).toBeDefined();
  });
});
