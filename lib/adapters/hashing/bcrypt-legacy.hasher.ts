import { Inject, Injectable } from '@nestjs/common';
import { ServiceBusyError } from '../../core/errors/auth.errors';
import { Argon2PasswordHasher, DEFAULT_MAX_QUEUED_HASHES } from './argon2-password.hasher';
import { IDENTITY_OPTIONS } from '../../core/users/identity.options';
import type { PasswordHasher, PasswordHashingOptions } from '../../core/ports/password-hasher.interface';

/** The part of bcryptjs 3 this hasher uses. */
interface Bcryptjs {
  compare(password: string, hash: string): Promise<boolean>;
}

/**
 * A bcrypt hash as bcrypt libraries write it: `$2a$`, `$2b$` (node `bcrypt`, bcryptjs, passlib) or `$2y$` (PHP), a
 * two-digit cost, then 22 characters of salt and 31 of hash in bcrypt's base64 alphabet.
 */
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** True for a bcrypt hash (`$2a$`, `$2b$`, `$2y$`). */
export function isBcryptHash(passwordHash: string): boolean {
  return BCRYPT_HASH.test(passwordHash);
}

/**
 * Where the hasher gets the hasher of new passwords: the module's argon2id parameters (what Nest injects when the
 * class is given as `passwordHasher`), or a hasher of your own.
 */
export type BcryptLegacyHasherOptions = { passwordHashing: PasswordHashingOptions } | { current: PasswordHasher };

let bcryptjs: Bcryptjs | undefined;

/** bcryptjs, an optional peer dependency, loaded when the first hasher is built (the package loads without it). */
function loadBcryptjs(): Bcryptjs {
  if (bcryptjs) return bcryptjs;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    bcryptjs = require('bcryptjs') as Bcryptjs;
  } catch (cause) {
    throw new Error('nestjs-authkit: BcryptLegacyPasswordHasher needs the optional peer dependency bcryptjs (npm install bcryptjs@3)', { cause });
  }
  return bcryptjs;
}

/**
 * For users moved from another system (an `@nestjs/passport` app on bcrypt, Laravel, Django's bcrypt hasher...):
 * verifies their bcrypt hashes as they are, and says every bcrypt hash `needsRehash`, so the library replaces it with
 * an argon2id hash at the user's next successful sign-in (the same password: the credential version and the sessions
 * stay). Every other hash, and every new password, goes to the current hasher (argon2id with the module's
 * `passwordHashing`, or yours). A wrong password against a bcrypt hash is simply false, as with argon2id.
 *
 * bcryptjs (an optional peer dependency: `npm install bcryptjs@3`) is plain JavaScript on the event loop, in slices of
 * at most 100 ms: one bcrypt verification runs at a time, at most `passwordHashing.maxQueued` (64) wait, and beyond
 * that a sign-in is refused with 503 `busy`, like a full argon2id queue. Each user costs it once.
 * bcrypt only ever hashed the first 72 bytes of a password: a longer one verifies on those, as it did before, and the
 * argon2id hash that replaces it covers the whole password.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ jwt, passwordHasher: BcryptLegacyPasswordHasher }); // argon2id per `passwordHashing`
 * AuthModule.forRoot({ jwt, passwordHasher: new BcryptLegacyPasswordHasher({ current: myHasher }) });
 * ```
 */
@Injectable()
export class BcryptLegacyPasswordHasher implements PasswordHasher {
  private readonly current: PasswordHasher;
  private readonly bcrypt = loadBcryptjs();
  private readonly maxQueued: number;
  private running = false;
  private readonly waiting: Array<() => void> = [];

  constructor(@Inject(IDENTITY_OPTIONS) options: BcryptLegacyHasherOptions) {
    if ('current' in options && options.current) {
      this.current = options.current;
      this.maxQueued = DEFAULT_MAX_QUEUED_HASHES;
    } else {
      const { passwordHashing } = options as { passwordHashing: PasswordHashingOptions };
      this.current = new Argon2PasswordHasher(passwordHashing);
      this.maxQueued = passwordHashing.maxQueued ?? DEFAULT_MAX_QUEUED_HASHES;
    }
  }

  /** New passwords (and rehashes of bcrypt ones) are hashed by the current hasher. */
  hash(password: string): Promise<string> {
    return this.current.hash(password);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    if (!isBcryptHash(passwordHash)) return this.current.verify(passwordHash, password);
    if (typeof password !== 'string') return false;
    await this.turn();
    try {
      return await this.bcrypt.compare(password, passwordHash);
    } catch {
      return false;
    } finally {
      this.next();
    }
  }

  /** Every bcrypt hash is replaced at the next sign-in; other hashes as the current hasher says. */
  needsRehash(passwordHash: string): boolean {
    return isBcryptHash(passwordHash) || this.current.needsRehash(passwordHash);
  }

  /** Waits for the one bcrypt slot, in order; refuses at once when `maxQueued` calls already wait. */
  private async turn(): Promise<void> {
    if (!this.running) {
      this.running = true;
      return;
    }
    if (this.waiting.length >= this.maxQueued) throw new ServiceBusyError();
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private next(): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter();
    else this.running = false;
  }
}
