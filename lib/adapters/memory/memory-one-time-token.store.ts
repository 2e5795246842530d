import type { OneTimeTokenKind } from '../../core/tokens/one-time-token';
import { sameHash } from '../../core/tokens/one-time-token';
import type { ConsumeOneTimeTokenInput, IssueOneTimeTokenInput, OneTimeTokenStore } from '../../core/ports/one-time-token-store.interface';

interface Entry {
  hash: string;
  binding: string;
  expiresAt: number;
}

/** In-process `OneTimeTokenStore` (no Redis). Every method is synchronous inside, so a consume cannot interleave. */
export class MemoryOneTimeTokenStore implements OneTimeTokenStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  async issue(input: IssueOneTimeTokenInput): Promise<void> {
    this.sweep();
    this.entries.set(key(input.kind, input.userId), { hash: input.hash, binding: input.binding, expiresAt: this.now() + input.ttlMs });
  }

  async verify(input: ConsumeOneTimeTokenInput): Promise<{ binding: string } | null> {
    const entry = this.entries.get(key(input.kind, input.userId));
    if (!entry || !sameHash(entry.hash, input.hash) || entry.expiresAt <= this.now()) return null;
    return { binding: entry.binding };
  }

  async consume(input: ConsumeOneTimeTokenInput): Promise<{ binding: string } | null> {
    const k = key(input.kind, input.userId);
    const entry = this.entries.get(k);
    if (!entry || !sameHash(entry.hash, input.hash)) return null;
    this.entries.delete(k);
    return entry.expiresAt > this.now() ? { binding: entry.binding } : null;
  }

  async revoke(kind: OneTimeTokenKind, userId: string): Promise<void> {
    this.entries.delete(key(kind, userId));
  }

  private sweep(): void {
    if (this.entries.size < 10_000) return;
    const now = this.now();
    for (const [k, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(k);
  }
}

function key(kind: OneTimeTokenKind, userId: string): string {
  return `${kind}\n${userId}`;
}
