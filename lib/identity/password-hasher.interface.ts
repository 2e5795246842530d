/** argon2id cost parameters. */
export interface PasswordHashingOptions {
  memoryCostKiB: number;
  timeCost: number;
  parallelism: number;
}

/** Port for password hashing; the default is `Argon2PasswordHasher` (argon2id). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Never throws for a malformed hash: returns false. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** True when the hash was made with other parameters than the current ones. */
  needsRehash(passwordHash: string): boolean;
}

/** Injection token for the `PasswordHasher` port. */
export const PasswordHasher = Symbol('PasswordHasher');
