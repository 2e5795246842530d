import { availableParallelism } from 'node:os';
import * as argon2 from 'argon2';
import { ServiceBusyError } from '../../core/errors/auth.errors';
import type { PasswordHasher, PasswordHashingOptions } from '../../core/ports/password-hasher.interface';

/** Default bound of the waiting line: with one computation at a time (~30-50 ms each), about two seconds of work. */
export const DEFAULT_MAX_QUEUED_HASHES = 64;

/**
 * argon2id with OWASP parameters by default (m=19456 KiB, t=2, p=1). Hashing runs on libuv's thread pool,
 * never on the event loop, and at most `maxConcurrent` computations run at once (default: one fewer than
 * the CPUs, at least one), so a burst of logins always leaves a CPU for the requests the app is serving.
 * Further calls wait their turn in order, at most `maxQueued` of them (default 64); beyond that a call is
 * refused at once with `ServiceBusyError` (503 `busy` + Retry-After) instead of queueing without bound. A hash
 * and a verify (including the dummy verify for unknown emails) wait alike.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  private readonly params: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: number };
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  /**
   * @param maxConcurrent computations at once (default `options.maxConcurrent`, else CPUs - 1, at least 1).
   * @param maxQueued calls waiting beyond those (default `options.maxQueued`, else 64).
   */
  constructor(
    options: PasswordHashingOptions,
    private readonly maxConcurrent = options.maxConcurrent ?? Math.max(1, availableParallelism() - 1),
    private readonly maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED_HASHES,
  ) {
    this.params = {
      type: argon2.argon2id,
      memoryCost: options.memoryCostKiB,
      timeCost: options.timeCost,
      parallelism: options.parallelism,
    };
  }

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, this.params));
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await this.limited(() => argon2.verify(passwordHash, password));
    } catch (error) {
      if (error instanceof ServiceBusyError) throw error;
      return false;
    }
  }

  needsRehash(passwordHash: string): boolean {
    try {
      return argon2.needsRehash(passwordHash, this.params);
    } catch {
      return true;
    }
  }

  private async limited<T>(compute: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) {
      if (this.waiting.length >= this.maxQueued) throw new ServiceBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    else this.running++;
    try {
      return await compute();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
