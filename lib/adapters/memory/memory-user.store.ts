import { randomUUID } from 'node:crypto';
import { EmailTakenError } from '../../core/errors/auth.errors';
import type { NewUser, StoredUser, UserStore } from '../../core/ports/user-store.interface';
import type { CredentialStore, SetPasswordHashOptions } from '../../core/ports/credential-store.interface';
import type { IdentityStore, LinkIdentityResult, NewUserIdentity, UnlinkIdentityResult, UserIdentity } from '../../core/ports/identity-store.interface';

/** In-process `UserStore` for development; users are lost on restart. */
export class MemoryUserStore implements UserStore, CredentialStore, IdentityStore {
  private readonly byId = new Map<string, StoredUser>();
  private readonly idByEmail = new Map<string, string>();
  /** `<provider>\n<providerUserId>` -> user id. */
  private readonly idByIdentity = new Map<string, string>();
  /** user id -> provider -> identity. */
  private readonly identities = new Map<string, Map<string, UserIdentity>>();

  async findById(id: string): Promise<StoredUser | null> {
    const user = this.byId.get(id);
    return user ? structuredClone(user) : null;
  }

  async findByEmail(email: string): Promise<StoredUser | null> {
    const id = this.idByEmail.get(email);
    return id === undefined ? null : this.findById(id);
  }

  async create(user: NewUser): Promise<StoredUser> {
    return this.insert(user);
  }

  /** Synchronous, so that check-and-insert sequences cannot interleave. */
  private insert(user: NewUser): StoredUser {
    if (user.email !== null && this.idByEmail.has(user.email)) throw new EmailTakenError();
    const stored: StoredUser = { id: randomUUID(), ...structuredClone(user), credentialVersion: 0 };
    this.byId.set(stored.id, stored);
    if (stored.email !== null) this.idByEmail.set(stored.email, stored.id);
    return structuredClone(stored);
  }

  /**
   * Sets the hash and, when it changed, increments the credential version (a rehash, with `rehashOf`, only
   * replaces that hash and keeps the version). `false` (nothing changed) for an unknown id or a stale rehash.
   */
  async setPasswordHash(id: string, passwordHash: string | null, options: SetPasswordHashOptions = {}): Promise<boolean> {
    const user = this.byId.get(id);
    if (!user) return false;
    if (options.rehashOf !== undefined) {
      if (user.passwordHash !== options.rehashOf) return false;
    } else if (user.passwordHash !== passwordHash) {
      user.credentialVersion = (user.credentialVersion ?? 0) + 1;
    }
    user.passwordHash = passwordHash;
    return true;
  }

  /** Resolves to `false` (and changes nothing) when the user does not exist. */
  async setRoles(id: string, roles: string[]): Promise<boolean> {
    const user = this.byId.get(id);
    if (!user) return false;
    user.roles = [...roles];
    return true;
  }

  /** Resolves to `false` (and changes nothing) when the user does not exist. */
  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    const user = this.byId.get(id);
    if (!user) return false;
    if ((user.disabled ?? false) !== disabled) user.credentialVersion = (user.credentialVersion ?? 0) + 1;
    user.disabled = disabled;
    return true;
  }

  /** Removes the user, its email entry and its identities. */
  async deleteUser(id: string): Promise<boolean> {
    const user = this.byId.get(id);
    if (!user) return false;
    this.byId.delete(id);
    if (user.email !== null && this.idByEmail.get(user.email) === id) this.idByEmail.delete(user.email);
    for (const identity of this.identities.get(id)?.values() ?? []) {
      const k = identityKey(identity.provider, identity.providerUserId);
      if (this.idByIdentity.get(k) === id) this.idByIdentity.delete(k);
    }
    this.identities.delete(id);
    return true;
  }

  async findByIdentity(provider: string, providerUserId: string): Promise<StoredUser | null> {
    const id = this.idByIdentity.get(identityKey(provider, providerUserId));
    return id === undefined ? null : this.findById(id);
  }

  async createWithIdentity(user: NewUser, identity: NewUserIdentity): Promise<{ user: StoredUser; created: boolean }> {
    const owner = this.idByIdentity.get(identityKey(identity.provider, identity.providerUserId));
    const existing = owner === undefined ? undefined : this.byId.get(owner);
    if (existing) return { user: structuredClone(existing), created: false };
    const created = this.insert(user);
    this.idByIdentity.set(identityKey(identity.provider, identity.providerUserId), created.id);
    this.identities.set(created.id, new Map([[identity.provider, { ...identity, linkedAt: Date.now() }]]));
    return { user: created, created: true };
  }

  async linkIdentity(userId: string, identity: NewUserIdentity): Promise<LinkIdentityResult> {
    const key = identityKey(identity.provider, identity.providerUserId);
    const owner = this.idByIdentity.get(key);
    if (owner === userId) return { status: 'already-linked' };
    if (owner !== undefined) return { status: 'identity-taken', ownerId: owner };
    const linked = this.identities.get(userId) ?? new Map<string, UserIdentity>();
    if (linked.has(identity.provider)) return { status: 'provider-taken' };
    linked.set(identity.provider, { ...identity, linkedAt: Date.now() });
    this.identities.set(userId, linked);
    this.idByIdentity.set(key, userId);
    return { status: 'linked' };
  }

  async listIdentities(userId: string): Promise<UserIdentity[]> {
    const linked = [...(this.identities.get(userId)?.values() ?? [])];
    return structuredClone(linked.sort((a, b) => a.linkedAt - b.linkedAt));
  }

  async unlinkIdentity(userId: string, provider: string): Promise<UnlinkIdentityResult> {
    const linked = this.identities.get(userId);
    const identity = linked?.get(provider);
    if (!linked || !identity) return 'not-found';
    if (!this.byId.get(userId)?.passwordHash && linked.size <= 1) return 'last-sign-in-method';
    linked.delete(provider);
    const key = identityKey(provider, identity.providerUserId);
    if (this.idByIdentity.get(key) === userId) this.idByIdentity.delete(key);
    return 'unlinked';
  }

  async unlinkAllIdentities(userId: string): Promise<number> {
    const linked = this.identities.get(userId);
    if (!linked) return 0;
    for (const identity of linked.values()) {
      const key = identityKey(identity.provider, identity.providerUserId);
      if (this.idByIdentity.get(key) === userId) this.idByIdentity.delete(key);
    }
    const removed = linked.size;
    linked.clear();
    return removed;
  }

  /** Resolves to `false` (and changes nothing) when the user does not exist. */
  async markEmailVerified(userId: string): Promise<boolean> {
    const user = this.byId.get(userId);
    if (!user) return false;
    user.emailVerified = true;
    return true;
  }
}

function identityKey(provider: string, providerUserId: string): string {
  return `${provider}\n${providerUserId}`;
}
