import type { ApiKeyOwner, ApiKeyRecord, ApiKeyStore, CheckApiKeyInput, CheckApiKeyResult } from './api-key-store.interface';
import { isLiveApiKey } from './api-key-store.interface';

interface UserKeys {
  owner: ApiKeyOwner;
  keys: Map<string, ApiKeyRecord>;
  windows: Map<string, { start: number; count: number }>;
}

/** `ApiKeyStore` in process memory (tests, single-instance apps without Redis). */
export class MemoryApiKeyStore implements ApiKeyStore {
  private readonly users = new Map<string, UserKeys>();

  constructor(private readonly now: () => number = Date.now) {}

  async create(record: ApiKeyRecord, owner: ApiKeyOwner, maxKeys: number): Promise<boolean> {
    const user = this.users.get(record.userId) ?? { owner, keys: new Map(), windows: new Map() };
    user.owner = owner;
    this.prune(user);
    if (user.keys.size >= maxKeys) return false;
    user.keys.set(record.id, { ...record, scopes: [...record.scopes] });
    this.users.set(record.userId, user);
    return true;
  }

  async check(input: CheckApiKeyInput): Promise<CheckApiKeyResult> {
    const now = this.now();
    const user = this.users.get(input.userId);
    const record = user?.keys.get(input.id);
    if (!user || !record || record.hash !== input.hash || !isLiveApiKey(record, now, user.owner.credentialVersion)) return { status: 'invalid' };
    if (input.limit > 0) {
      let window = user.windows.get(input.id);
      if (!window || now - window.start >= input.windowMs) window = { start: now, count: 0 };
      if (window.count >= input.limit) return { status: 'throttled', retryAfterMs: window.start + input.windowMs - now };
      user.windows.set(input.id, { start: window.start, count: window.count + 1 });
    }
    if (record.lastUsedAt === null || now - record.lastUsedAt >= input.lastUsedGranularityMs) record.lastUsedAt = now;
    return { status: 'valid', scopes: [...record.scopes], credentialVersion: record.credentialVersion, owner: { ...user.owner, roles: [...user.owner.roles] } };
  }

  async list(userId: string): Promise<ApiKeyRecord[]> {
    const user = this.users.get(userId);
    if (!user) return [];
    this.prune(user);
    return [...user.keys.values()].map((record) => ({ ...record, scopes: [...record.scopes] })).sort((a, b) => a.createdAt - b.createdAt);
  }

  async revoke(userId: string, id: string): Promise<boolean> {
    const user = this.users.get(userId);
    user?.windows.delete(id);
    return user?.keys.delete(id) ?? false;
  }

  async revokeAll(userId: string): Promise<number> {
    const count = this.users.get(userId)?.keys.size ?? 0;
    this.users.delete(userId);
    return count;
  }

  async setOwner(userId: string, owner: ApiKeyOwner): Promise<void> {
    const user = this.users.get(userId);
    if (!user) return;
    user.owner = { ...owner, roles: [...owner.roles] };
    this.prune(user);
  }

  private prune(user: UserKeys): void {
    const now = this.now();
    for (const [id, record] of user.keys) {
      if (!isLiveApiKey(record, now, user.owner.credentialVersion)) {
        user.keys.delete(id);
        user.windows.delete(id);
      }
    }
  }
}
