import { ServiceBusyError } from '../../core/errors/auth.errors';
import type {
  AddPasskeyResult, PasskeyChallengeRecord, PasskeyChallengeStore, PasskeyCredentialStore, RecordUseResult, StoredPasskey,
} from './passkey-store.interface';

/** `PasskeyCredentialStore` in memory (tests, or an app without Redis): lost on restart, not shared. */
export class MemoryPasskeyCredentialStore implements PasskeyCredentialStore {
  private readonly byUser = new Map<string, Map<string, StoredPasskey>>();
  private readonly owners = new Map<string, string>();

  async add(passkey: StoredPasskey, maxPerUser: number): Promise<AddPasskeyResult> {
    if (this.owners.has(passkey.id)) return 'taken';
    const mine = this.byUser.get(passkey.userId) ?? new Map<string, StoredPasskey>();
    if (mine.size >= maxPerUser) return 'limit';
    mine.set(passkey.id, structuredClone(passkey));
    this.byUser.set(passkey.userId, mine);
    this.owners.set(passkey.id, passkey.userId);
    return 'added';
  }

  async list(userId: string): Promise<StoredPasskey[]> {
    return [...(this.byUser.get(userId)?.values() ?? [])].map((passkey) => structuredClone(passkey)).sort((a, b) => a.createdAt - b.createdAt);
  }

  async find(userId: string, id: string): Promise<StoredPasskey | null> {
    const passkey = this.byUser.get(userId)?.get(id);
    return passkey ? structuredClone(passkey) : null;
  }

  async recordUse(userId: string, id: string, use: { counter: number; backedUp: boolean; now: number }): Promise<RecordUseResult> {
    const passkey = this.byUser.get(userId)?.get(id);
    if (!passkey) return 'missing';
    if (!(use.counter > passkey.counter || (use.counter === 0 && passkey.counter === 0))) return 'counter';
    Object.assign(passkey, { counter: use.counter, backedUp: use.backedUp, lastUsedAt: use.now });
    return 'ok';
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    const passkey = this.byUser.get(userId)?.get(id);
    if (!passkey) return false;
    passkey.name = name;
    return true;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    if (!this.byUser.get(userId)?.delete(id)) return false;
    this.owners.delete(id);
    return true;
  }

  async removeAll(userId: string): Promise<string[]> {
    const ids = [...(this.byUser.get(userId)?.keys() ?? [])];
    for (const id of ids) this.owners.delete(id);
    this.byUser.delete(userId);
    return ids;
  }
}

/**
 * `PasskeyChallengeStore` in memory. Bounded: beyond `maxChallenges` live challenges, `save` refuses with
 * `ServiceBusyError` (503 `busy`) rather than let a flood of public option requests fill the heap.
 */
export class MemoryPasskeyChallengeStore implements PasskeyChallengeStore {
  private readonly challenges = new Map<string, { record: PasskeyChallengeRecord; expiresAt: number }>();

  constructor(private readonly maxChallenges = 10_000) {}

  async save(challenge: string, record: PasskeyChallengeRecord, expiresAt: number): Promise<void> {
    this.sweep(Date.now());
    if (this.challenges.size >= this.maxChallenges) throw new ServiceBusyError();
    this.challenges.set(challenge, { record: { ...record }, expiresAt });
  }

  async consume(challenge: string, now: number): Promise<PasskeyChallengeRecord | null> {
    const entry = this.challenges.get(challenge);
    this.challenges.delete(challenge);
    return entry && entry.expiresAt > now ? entry.record : null;
  }

  /** Drops expired challenges now and then, so unused ones do not pile up. */
  private sweep(now: number): void {
    if (this.challenges.size < Math.min(1000, this.maxChallenges)) return;
    for (const [challenge, entry] of this.challenges) if (entry.expiresAt <= now) this.challenges.delete(challenge);
  }
}
