import type { OidcLogoutStore } from './oidc-logout-store.interface';

/** `OidcLogoutStore` in process memory (one instance; the default without Redis). Entries expire by the clock. */
export class MemoryOidcLogoutStore implements OidcLogoutStore {
  private readonly values = new Map<string, { value: string; expiresAt: number }>();
  private readonly sessions = new Map<string, { bySession: Map<string, string>; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async rememberSid(provider: string, sub: string, sid: string, ttlMs: number): Promise<void> {
    this.set(`pending:${provider}:${sub}`, sid, ttlMs);
  }

  async takeSid(provider: string, sub: string): Promise<string | null> {
    const value = this.get(`pending:${provider}:${sub}`);
    this.values.delete(`pending:${provider}:${sub}`);
    return value;
  }

  async addSession(provider: string, userId: string, sessionId: string, sid: string | null, ttlMs: number): Promise<void> {
    const key = `${provider}:${userId}`;
    const entry = this.live(key) ?? { bySession: new Map<string, string>(), expiresAt: 0 };
    entry.bySession.set(sessionId, sid ?? '');
    entry.expiresAt = Math.max(entry.expiresAt, this.now() + ttlMs);
    this.sessions.set(key, entry);
    if (sid) this.set(`sid:${provider}:${sid}`, userId, ttlMs);
  }

  async userOfSid(provider: string, sid: string): Promise<string | null> {
    return this.get(`sid:${provider}:${sid}`);
  }

  async takeSessions(provider: string, userId: string, sid?: string): Promise<string[]> {
    const entry = this.live(`${provider}:${userId}`);
    if (!entry) return [];
    const taken: string[] = [];
    for (const [sessionId, sessionSid] of entry.bySession) {
      if (sid !== undefined && sessionSid !== sid && sessionSid !== '') continue;
      taken.push(sessionId);
      entry.bySession.delete(sessionId);
    }
    return taken;
  }

  async claimJti(provider: string, jti: string, ttlMs: number): Promise<boolean> {
    const key = `jti:${provider}:${jti}`;
    if (this.get(key) !== null) return false;
    this.set(key, '1', ttlMs);
    return true;
  }

  private set(key: string, value: string, ttlMs: number): void {
    this.values.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  private get(key: string): string | null {
    const entry = this.values.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.values.delete(key);
      return null;
    }
    return entry.value;
  }

  private live(key: string): { bySession: Map<string, string>; expiresAt: number } | undefined {
    const entry = this.sessions.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return entry;
  }
}
