import type { PasswordHasher } from '../../lib';

/** Wraps a real `PasswordHasher` and counts calls; the hashing itself is untouched. */
export class CountingPasswordHasher implements PasswordHasher {
  readonly calls = { hash: 0, verify: 0, needsRehash: 0 };

  constructor(private readonly inner: PasswordHasher) {}

  hash(password: string): Promise<string> {
    this.calls.hash += 1;
    return this.inner.hash(password);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    this.calls.verify += 1;
    return this.inner.verify(passwordHash, password);
  }

  needsRehash(passwordHash: string): boolean {
    this.calls.needsRehash += 1;
    return this.inner.needsRehash(passwordHash);
  }

  reset(): void {
    this.calls.hash = this.calls.verify = this.calls.needsRehash = 0;
  }
}
