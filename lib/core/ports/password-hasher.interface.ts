/** argon2id cost parameters, and the bounds of the default hasher's queue. */
export interface PasswordHashingOptions {
  memoryCostKiB: number;
  timeCost: number;
  parallelism: number;
  /** Computations at once. Default: one fewer than the CPUs, at least one. */
  maxConcurrent?: number;
  /** Calls waiting for a slot; beyond that they are refused with 503 `busy`. Default 64. */
  maxQueued?: number;
}

/** Port for password hashing; the default is `Argon2PasswordHasher` (argon2id). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Never throws for a malformed hash: returns false. May throw `ServiceBusyError` when at capacity. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** True when the hash was made with other parameters than the current ones. */
  needsRehash(passwordHash: string): boolean;
}

/** Injection token for the `PasswordHasher` port. */
export const PasswordHasher = Symbol('PasswordHasher');
