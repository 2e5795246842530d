import { randomUUID } from 'node:crypto';
import { EmailTakenError } from '../auth.errors';
import type { NewUser, StoredUser, UserStore } from './user-store.interface';

/** In-process `UserStore` for development; users are lost on restart. */
export class MemoryUserStore implements UserStore {
  private readonly byId = new Map<string, StoredUser>();
  private readonly idByEmail = new Map<string, string>();

  async findById(id: string): Promise<StoredUser | null> {
    const user = this.byId.get(id);
    return user ? structuredClone(user) : null;
  }

  async findByEmail(email: string): Promise<StoredUser | null> {
    const id = this.idByEmail.get(email);
    return id === undefined ? null : this.findById(id);
  }

  async create(user: NewUser): Promise<StoredUser> {
    if (this.idByEmail.has(user.email)) throw new EmailTakenError();
    const stored: StoredUser = { id: randomUUID(), ...structuredClone(user) };
    this.byId.set(stored.id, stored);
    this.idByEmail.set(stored.email, stored.id);
    return structuredClone(stored);
  }

  async setPasswordHash(id: string, passwordHash: string | null): Promise<void> {
    const user = this.byId.get(id);
    if (user) user.passwordHash = passwordHash;
  }

  async setRoles(id: string, roles: string[]): Promise<void> {
    const user = this.byId.get(id);
    if (user) user.roles = [...roles];
  }
}
