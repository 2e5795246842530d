import { ServiceBusyError } from '../../core/errors/auth.errors';
import type { OAuthStateRecord, OAuthStateStore } from './oauth-state-store.interface';

/** Default bound of `MemoryOAuthStateStore`: pending authorizations held at once. */
export const DEFAULT_MAX_PENDING_OAUTH_STATES = 10_000;

/**
 * In-process `OAuthStateStore` (development, single instance). Same single-use and TTL semantics as Redis.
 * Bounded: beyond `maxRecords` live records, `save` refuses with `ServiceBusyError` (503 `busy`) rather than
 * letting memory grow (OAuth start is also throttled per ip).
 */
export class MemoryOAuthStateStore implements OAuthStateStore {
  private readonly records = new Map<string, { record: OAuthStateRecord; expiresAt: number }>();
  private saves = 0;

  /** `now` is injectable so tests can move the clock instead of sleeping. */
  constructor(private readonly now: () => number = Date.now, private readonly maxRecords = DEFAULT_MAX_PENDING_OAUTH_STATES) {}

  async save(state: string, record: OAuthStateRecord, ttlMs: number): Promise<void> {
    if (++this.saves % 64 === 0) this.sweep();
    if (this.records.size >= this.maxRecords) {
      this.sweep();
      if (this.records.size >= this.maxRecords) throw new ServiceBusyError();
    }
    this.records.set(state, { record: structuredClone(record), expiresAt: this.now() + ttlMs });
  }

  async consume(state: string): Promise<OAuthStateRecord | null> {
    const entry = this.records.get(state);
    if (!entry) return null;
    this.records.delete(state);
    return entry.expiresAt > this.now() ? entry.record : null;
  }

  private sweep(): void {
    const now = this.now();
    for (const [state, entry] of this.records) if (entry.expiresAt <= now) this.records.delete(state);
  }
}
