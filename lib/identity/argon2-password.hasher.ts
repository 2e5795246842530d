import * as argon2 from 'argon2';
import type { PasswordHasher, PasswordHashingOptions } from './password-hasher.interface';

/** argon2id with OWASP parameters by default (m=19456 KiB, t=2, p=1). Hashing runs on libuv's thread pool. */
export class Argon2PasswordHasher implements PasswordHasher {
  private readonly params: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: number };

  constructor(options: PasswordHashingOptions) {
    this.params = {
      type: argon2.argon2id,
      memoryCost: options.memoryCostKiB,
      timeCost: options.timeCost,
      parallelism: options.parallelism,
    };
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.params);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(passwordHash, password);
    } catch {
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
}
