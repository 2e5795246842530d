import type { OAuthStateRecord, OAuthStateStore } from './oauth-state-store.interface';

/** In-process `OAuthStateStore` (development, single instance). Same single-use and TTL semantics as Redis. */
export class MemoryOAuthStateStore implements OAuthStateStore {
  private readonly records = new Map<string, { record: OAuthStateRecord; expiresAt: number }>();
  private saves = 0;

  /** `now` is injectable so tests can move the clock instead of sleeping. */
  constructor(private readonly now: () => number = Date.now) {}

  async save(state: string, record: OAuthStateRecord, ttlMs: number): Promise<void> {
    if (++this.saves % 64 === 0) this.sweep();
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
