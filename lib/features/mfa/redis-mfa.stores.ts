import type { RedisClient } from '../../adapters/redis/redis.options';
import { redisCall } from '../../adapters/redis/redis-call';
import { RedisKeys } from '../../adapters/redis/redis-keys';
import type {
  ConfirmTotpResult, MfaChallengeRecord, MfaChallengeStore, MfaFactors, MfaFactorStore, MfaFailure,
} from './mfa-store.interface';
import { MFA_ACCEPT_STEP, MFA_CHALLENGE, MFA_CONFIRM_TOTP, MFA_FAIL, MFA_REMOVE_ALL, MFA_REPLACE_CODES, MFA_USE_RECOVERY_CODE } from './mfa.scripts';

interface MfaCommands {
  authkitMfaConfirmTotp(factors: string, codes: string, step: number, now: number, ...hashes: string[]): Promise<string>;
  authkitMfaAcceptStep(factors: string, step: number): Promise<number>;
  authkitMfaUseRecoveryCode(factors: string, codes: string, hash: string): Promise<number>;
  authkitMfaReplaceCodes(factors: string, codes: string, ...hashes: string[]): Promise<number>;
  authkitMfaRemoveAll(factors: string, codes: string): Promise<number>;
  authkitMfaFail(challenge: string, failures: string, now: number, windowMs: number): Promise<[number, number]>;
  authkitMfaChallenge(challenge: string, now: number, consume: 0 | 1): Promise<string | null>;
}

const SCRIPTS: Array<[keyof MfaCommands, string, number]> = [
  ['authkitMfaConfirmTotp', MFA_CONFIRM_TOTP, 2],
  ['authkitMfaAcceptStep', MFA_ACCEPT_STEP, 1],
  ['authkitMfaUseRecoveryCode', MFA_USE_RECOVERY_CODE, 2],
  ['authkitMfaReplaceCodes', MFA_REPLACE_CODES, 2],
  ['authkitMfaRemoveAll', MFA_REMOVE_ALL, 2],
  ['authkitMfaFail', MFA_FAIL, 2],
  ['authkitMfaChallenge', MFA_CHALLENGE, 1],
];

/** The keys of one user's MFA data, all in the user's slot (layout in mfa.scripts.ts). */
export class MfaRedisKeys {
  private readonly keys: RedisKeys;
  constructor(private readonly prefix: string) {
    this.keys = new RedisKeys(prefix);
  }
  factors(userId: string): string {
    return `${this.prefix}:{${this.keys.userTag(userId)}}:mfa`;
  }
  codes(userId: string): string {
    return `${this.factors(userId)}:rc`;
  }
  challenge(userId: string, tokenHash: string): string {
    return `${this.factors(userId)}:c:${tokenHash}`;
  }
  failures(userId: string): string {
    return `${this.factors(userId)}:f`;
  }
}

function commandsOf(redis: RedisClient): MfaCommands {
  for (const [name, lua, numberOfKeys] of SCRIPTS) {
    if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys });
  }
  return redis as unknown as MfaCommands;
}

/** `MfaFactorStore` on Redis: each operation one read or one script on the user's slot. */
export class RedisMfaFactorStore implements MfaFactorStore {
  private readonly commands: MfaCommands;
  readonly keys: MfaRedisKeys;

  constructor(private readonly redis: RedisClient, keyPrefix = 'authkit') {
    this.commands = commandsOf(redis);
    this.keys = new MfaRedisKeys(keyPrefix);
  }

  async factors(userId: string, now: number): Promise<MfaFactors> {
    const [fields, count] = await Promise.all([
      redisCall(() => this.redis.hmget(this.keys.factors(userId), 't', 'p', 'pe')),
      redisCall(() => this.redis.scard(this.keys.codes(userId))),
    ]);
    const [totp, pending, pendingExpiresAt] = fields;
    return {
      totpSecret: totp ?? null,
      pendingTotpSecret: pending && Number(pendingExpiresAt) > now ? pending : null,
      recoveryCodesLeft: totp ? count : 0,
    };
  }

  async savePendingTotp(userId: string, encryptedSecret: string, expiresAt: number): Promise<void> {
    await redisCall(() => this.redis.hset(this.keys.factors(userId), 'p', encryptedSecret, 'pe', String(expiresAt)));
  }

  async confirmTotp(userId: string, input: { step: number; recoveryCodeHashes: readonly string[]; now: number }): Promise<ConfirmTotpResult> {
    const reply = await redisCall(() =>
      this.commands.authkitMfaConfirmTotp(this.keys.factors(userId), this.keys.codes(userId), input.step, input.now, ...input.recoveryCodeHashes));
    return reply as ConfirmTotpResult;
  }

  async acceptStep(userId: string, step: number): Promise<boolean> {
    return (await redisCall(() => this.commands.authkitMfaAcceptStep(this.keys.factors(userId), step))) === 1;
  }

  async useRecoveryCode(userId: string, codeHash: string): Promise<number | null> {
    const left = await redisCall(() => this.commands.authkitMfaUseRecoveryCode(this.keys.factors(userId), this.keys.codes(userId), codeHash));
    return left < 0 ? null : left;
  }

  async replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<boolean> {
    return (await redisCall(() => this.commands.authkitMfaReplaceCodes(this.keys.factors(userId), this.keys.codes(userId), ...codeHashes))) === 1;
  }

  async removeAll(userId: string): Promise<boolean> {
    return (await redisCall(() => this.commands.authkitMfaRemoveAll(this.keys.factors(userId), this.keys.codes(userId)))) === 1;
  }
}

/** `MfaChallengeStore` on Redis: a hash per challenge (PXAT its expiry) and a failure window per user, in the user's slot. */
export class RedisMfaChallengeStore implements MfaChallengeStore {
  private readonly commands: MfaCommands;
  readonly keys: MfaRedisKeys;

  constructor(private readonly redis: RedisClient, keyPrefix = 'authkit') {
    this.commands = commandsOf(redis);
    this.keys = new MfaRedisKeys(keyPrefix);
  }

  async create(tokenHash: string, record: MfaChallengeRecord, options: { expiresAt: number; maxAttempts: number }): Promise<void> {
    const key = this.keys.challenge(record.userId, tokenHash);
    await redisCall(() => this.redis.multi()
      .hset(key, 'r', JSON.stringify(record), 'e', String(options.expiresAt), 'n', String(options.maxAttempts))
      .pexpireat(key, options.expiresAt)
      .exec());
  }

  async find(userId: string, tokenHash: string, now: number): Promise<MfaChallengeRecord | null> {
    return this.read(userId, tokenHash, now, 0);
  }

  async consume(userId: string, tokenHash: string, now: number): Promise<MfaChallengeRecord | null> {
    return this.read(userId, tokenHash, now, 1);
  }

  async fail(userId: string, tokenHash: string | null, options: { now: number; windowMs: number }): Promise<MfaFailure> {
    const failures = this.keys.failures(userId);
    // No challenge (a step-up): the failures key stands in for it, and the script skips that part.
    const challenge = tokenHash === null ? failures : this.keys.challenge(userId, tokenHash);
    const [attemptsLeft, userFailures] = await redisCall(() => this.commands.authkitMfaFail(challenge, failures, options.now, options.windowMs));
    return { attemptsLeft: Math.max(0, Number(attemptsLeft)), userFailures: Number(userFailures) };
  }

  async failures(userId: string, now: number): Promise<{ count: number; resetAt: number }> {
    const [count, resetAt] = await redisCall(() => this.redis.hmget(this.keys.failures(userId), 'c', 'r'));
    return Number(resetAt) > now ? { count: Number(count), resetAt: Number(resetAt) } : { count: 0, resetAt: now };
  }

  async clearFailures(userId: string): Promise<void> {
    await redisCall(() => this.redis.del(this.keys.failures(userId)));
  }

  private async read(userId: string, tokenHash: string, now: number, consume: 0 | 1): Promise<MfaChallengeRecord | null> {
    const raw = await redisCall(() => this.commands.authkitMfaChallenge(this.keys.challenge(userId, tokenHash), now, consume));
    if (typeof raw !== 'string') return null;
    try {
      const record = JSON.parse(raw) as MfaChallengeRecord;
      return record.userId === userId ? record : null;
    } catch {
      return null;
    }
  }
}
