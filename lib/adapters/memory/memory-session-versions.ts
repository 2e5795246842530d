import type { SessionStore } from '../../core/ports/session-store.interface';
import type { SessionVersionCheck, SessionVersions } from '../../core/ports/session-versions.interface';

/** `SessionVersions` beside a `MemorySessionStore` (same semantics as `RedisSessionVersions`). */
export class MemorySessionVersions implements SessionVersions {
  private readonly versions = new Map<string, number>();

  constructor(private readonly sessions: SessionStore) {}

  async current(userId: string): Promise<number> {
    return this.versions.get(userId) ?? 0;
  }

  async bump(userId: string): Promise<void> {
    if ((await this.sessions.list(userId)).length === 0) {
      this.versions.delete(userId);
      return;
    }
    this.versions.set(userId, (this.versions.get(userId) ?? 0) + 1);
  }

  async check(userId: string, sessionId: string, version: number): Promise<SessionVersionCheck> {
    if (!(await this.sessions.exists(userId, sessionId))) return 'absent';
    return (this.versions.get(userId) ?? 0) === version ? 'live' : 'stale';
  }
}
