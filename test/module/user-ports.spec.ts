import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { AuthModule, type AuthModuleOptions, CredentialStore, IdentityStore, MemorySessionStore, MemoryUserStore, UserStore } from '../../lib';
import { TEST_SECRET } from '../support/test-app';

const google = { clientId: 'id', clientSecret: 'secret', callbackUrl: 'https://app.example.com/auth/google/callback' };
const sessionStore = new MemorySessionStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000, reuseWindowMs: 5000, maxSessionsPerUser: 10 });

/** A store of an app without OAuth: the UserStore and CredentialStore methods of a MemoryUserStore, nothing else. */
class PasswordOnlyStore {
  private readonly inner = new MemoryUserStore();
  findById = (id: string) => this.inner.findById(id);
  findByEmail = (email: string) => this.inner.findByEmail(email);
  create = (user: Parameters<MemoryUserStore['create']>[0]) => this.inner.create(user);
  setRoles = (id: string, roles: string[]) => this.inner.setRoles(id, roles);
  setDisabled = (id: string, disabled: boolean) => this.inner.setDisabled(id, disabled);
  markEmailVerified = (id: string) => this.inner.markEmailVerified(id);
  setPasswordHash = (...args: Parameters<MemoryUserStore['setPasswordHash']>) => this.inner.setPasswordHash(...args);
}

function compile(options: Partial<AuthModuleOptions>) {
  return Test.createTestingModule({
    imports: [AuthModule.forRoot({ jwt: { secret: TEST_SECRET }, sessionStore, ...options })],
  }).compile();
}

describe('the user ports at start-up', () => {
  it('a store without identities serves an app without OAuth: no IdentityStore, and the UserStore shows only its own methods', async () => {
    const moduleRef = await compile({ userStore: new PasswordOnlyStore() });
    expect(moduleRef.get(IdentityStore)).toBeNull();
    expect(typeof moduleRef.get<CredentialStore>(CredentialStore).setPasswordHash).toBe('function');
    expect((moduleRef.get(UserStore) as unknown as Record<string, unknown>).setPasswordHash).toBeUndefined();
    await moduleRef.close();
  });

  it('OAuth configured and no IdentityStore: refuses to start, naming the port, its methods and the identityStore option', async () => {
    await expect(compile({ userStore: new PasswordOnlyStore(), oauth: { google } })).rejects.toThrow(
      /OAuth sign-in \(google\) needs an IdentityStore.*findByIdentity, createWithIdentity.*unlinkAllIdentities.*`identityStore`/,
    );
  });

  it('OAuth with a separate identityStore starts, and each port is its own class', async () => {
    const identities = new MemoryUserStore();
    const moduleRef = await compile({ userStore: new PasswordOnlyStore(), identityStore: identities, oauth: { google } });
    const identity = { provider: 'google', providerUserId: 'sub-1', email: null, emailVerified: false };
    const { user } = await moduleRef.get<IdentityStore>(IdentityStore).createWithIdentity({ email: null, passwordHash: null, roles: [], emailVerified: false }, identity);
    expect((await identities.findByIdentity('google', 'sub-1'))?.id).toBe(user.id);
    await moduleRef.close();
  });

  it('a store with part of a port is an error that names the missing methods', async () => {
    const partial = Object.assign(new PasswordOnlyStore(), { findByIdentity: async () => null });
    await expect(compile({ userStore: partial })).rejects.toThrow(
      /the userStore \(PasswordOnlyStore\) does not implement IdentityStore \(missing createWithIdentity, linkIdentity, listIdentities, unlinkIdentity, unlinkAllIdentities\)/,
    );
    const { setPasswordHash: _dropped, ...noPasswords } = new PasswordOnlyStore();
    await expect(compile({ userStore: noPasswords as never })).rejects.toThrow(
      /does not implement CredentialStore \(missing setPasswordHash\), which password sign-in needs: implement it there or pass a class of its own as `credentialStore`/,
    );
  });
});
