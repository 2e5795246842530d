import type {
  ConfirmTotpResult, MfaChallengeRecord, MfaChallengeStore, MfaFactors, MfaFactorStore, MfaFailure,
} from './mfa-store.interface';

interface FactorRecord {
  totp: string | null;
  pending: { secret: string; expiresAt: number } | null;
  lastStep: number;
  codes: Set<string>;
}

/** `MfaFactorStore` in memory (one process; tests and apps without Redis). Every method is synchronous inside: atomic. */
export class MemoryMfaFactorStore implements MfaFactorStore {
  private readonly users = new Map<string, FactorRecord>();

  async factors(userId: string, now: number): Promise<MfaFactors> {
    const record = this.users.get(userId);
    const pending = record?.pending && record.pending.expiresAt > now ? record.pending.secret : null;
    return { totpSecret: record?.totp ?? null, pendingTotpSecret: pending, recoveryCodesLeft: record?.totp ? record.codes.size : 0 };
  }

  async savePendingTotp(userId: string, encryptedSecret: string, expiresAt: number): Promise<void> {
    this.record(userId).pending = { secret: encryptedSecret, expiresAt };
  }

  async confirmTotp(userId: string, input: { step: number; recoveryCodeHashes: readonly string[]; now: number }): Promise<ConfirmTotpResult> {
    const record = this.users.get(userId);
    if (!record?.pending || record.pending.expiresAt <= input.now) return 'no_pending';
    if (input.step <= record.lastStep) return 'replayed';
    record.totp = record.pending.secret;
    record.pending = null;
    record.lastStep = input.step;
    record.codes = new Set(input.recoveryCodeHashes);
    return 'confirmed';
  }

  async acceptStep(userId: string, step: number): Promise<boolean> {
    const record = this.users.get(userId);
    if (!record?.totp || step <= record.lastStep) return false;
    record.lastStep = step;
    return true;
  }

  async useRecoveryCode(userId: string, codeHash: string): Promise<number | null> {
    const record = this.users.get(userId);
    if (!record?.totp || !record.codes.delete(codeHash)) return null;
    return record.codes.size;
  }

  async replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<boolean> {
    const record = this.users.get(userId);
    if (!record?.totp) return false;
    record.codes = new Set(codeHashes);
    return true;
  }

  async removeAll(userId: string): Promise<boolean> {
    const record = this.users.get(userId);
    if (!record || (!record.totp && !record.pending)) return false;
    const had = record.totp !== null;
    Object.assign(record, { totp: null, pending: null, codes: new Set<string>() });
    return had;
  }

  private record(userId: string): FactorRecord {
    let record = this.users.get(userId);
    if (!record) {
      record = { totp: null, pending: null, lastStep: -1, codes: new Set() };
      this.users.set(userId, record);
    }
    return record;
  }
}

interface ChallengeEntry {
  record: MfaChallengeRecord;
  expiresAt: number;
  attemptsLeft: number;
}

/**
 * `MfaChallengeStore` in memory. Expired entries are dropped when touched, and swept as new ones are made: challenges
 * on every 64th create, failure windows on every 64th failure (a window that has ended counts nothing).
 */
export class MemoryMfaChallengeStore implements MfaChallengeStore {
  private readonly challenges = new Map<string, ChallengeEntry>();
  private readonly userFailures = new Map<string, { count: number; resetAt: number }>();
  private created = 0;
  private failed = 0;

  async create(tokenHash: string, record: MfaChallengeRecord, options: { expiresAt: number; maxAttempts: number }): Promise<void> {
    // Challenges nobody comes back for are dropped as others are created (every 64th create sweeps the expired ones).
    if (++this.created % 64 === 0) {
      for (const [hash, entry] of this.challenges) if (entry.expiresAt <= options.expiresAt - 3_600_000 || entry.attemptsLeft <= 0) this.challenges.delete(hash);
    }
    this.challenges.set(tokenHash, { record: structuredClone(record), expiresAt: options.expiresAt, attemptsLeft: options.maxAttempts });
  }

  async find(userId: string, tokenHash: string, now: number): Promise<MfaChallengeRecord | null> {
    const entry = this.live(userId, tokenHash, now);
    return entry ? structuredClone(entry.record) : null;
  }

  async fail(userId: string, tokenHash: string | null, options: { now: number; windowMs: number }): Promise<MfaFailure> {
    let attemptsLeft = 0;
    const entry = tokenHash === null ? undefined : this.live(userId, tokenHash, options.now);
    if (entry && tokenHash !== null) {
      attemptsLeft = --entry.attemptsLeft;
      if (attemptsLeft <= 0) this.challenges.delete(tokenHash);
    }
    if (++this.failed % 64 === 0) {
      for (const [user, ended] of this.userFailures) if (ended.resetAt <= options.now) this.userFailures.delete(user);
    }
    let window = this.userFailures.get(userId);
    if (!window || window.resetAt <= options.now) window = { count: 0, resetAt: options.now + options.windowMs };
    window.count += 1;
    this.userFailures.set(userId, window);
    return { attemptsLeft, userFailures: window.count };
  }

  async failures(userId: string, now: number): Promise<{ count: number; resetAt: number }> {
    const window = this.userFailures.get(userId);
    return window && window.resetAt > now ? { ...window } : { count: 0, resetAt: now };
  }

  async consume(userId: string, tokenHash: string, now: number): Promise<MfaChallengeRecord | null> {
    const entry = this.live(userId, tokenHash, now);
    if (!entry) return null;
    this.challenges.delete(tokenHash);
    return structuredClone(entry.record);
  }

  async clearFailures(userId: string): Promise<void> {
    this.userFailures.delete(userId);
  }

  private live(userId: string, tokenHash: string, now: number): ChallengeEntry | null {
    const entry = this.challenges.get(tokenHash);
    if (!entry) return null;
    if (entry.expiresAt <= now || entry.attemptsLeft <= 0) {
      this.challenges.delete(tokenHash);
      return null;
    }
    return entry.record.userId === userId ? entry : null;
  }
}
