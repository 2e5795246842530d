import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BreachCheckUnavailableError, ValidationFailedError, WeakPasswordError } from '../errors/auth.errors';
import {
  type BreachedPasswordOptions, BreachedPasswords, type ResolvedBreachedPasswordOptions, resolveBreachedPasswordOptions,
} from './breached-passwords';
import { failOption as fail, type OptionKeys, rejectUnknownKeys } from '../options/options.validation';

/** Shortest password any policy may allow (NIST SP 800-63B). */
export const POLICY_MIN_LENGTH = 8;
/** Longest password accepted anywhere; checked before hashing. */
export const POLICY_MAX_LENGTH = 128;

/**
 * The password policy for new passwords (registration, `createUser`, password changes); logins are
 * only length-checked. No composition rules (NIST SP 800-63B): a length range, the built-in list of
 * the 10 000 most common passwords, your own blocklist, and not the email itself.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ jwt, passwordPolicy: { minLength: 12, blocklist: ['acme', 'acme-corp'] } })
 * ```
 */
export interface PasswordPolicyOptions {
  /** Minimum length in characters (Unicode code points). Default 8; between 8 and 128. */
  minLength?: number;
  /** Reject the built-in list of the 10 000 most common passwords (case-insensitively). Default true. */
  rejectCommon?: boolean;
  /** More passwords to reject, compared case-insensitively (your product's name...). */
  blocklist?: string[];
  /**
   * Also reject passwords found in data breaches, through the k-anonymity range API (see
   * `BreachedPasswordOptions`; `true` for its defaults). Off by default (it calls an outside service).
   */
  breached?: BreachedPasswordOptions | boolean;
}

/** `PasswordPolicyOptions` after defaults and validation. */
export interface ResolvedPasswordPolicyOptions {
  minLength: number;
  rejectCommon: boolean;
  blocklist: string[];
  breached?: ResolvedBreachedPasswordOptions;
}

const POLICY_KEYS: OptionKeys<PasswordPolicyOptions> = { minLength: true, rejectCommon: true, blocklist: true, breached: true };

/** Applies defaults to the `passwordPolicy` option and validates it; throws a `TypeError` naming the bad option. */
export function resolvePasswordPolicyOptions(options: PasswordPolicyOptions | undefined): ResolvedPasswordPolicyOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) fail('passwordPolicy', 'must be an object');
  rejectUnknownKeys(options, 'passwordPolicy', POLICY_KEYS);
  const minLength = options?.minLength ?? POLICY_MIN_LENGTH;
  if (!Number.isSafeInteger(minLength) || minLength < POLICY_MIN_LENGTH || minLength > POLICY_MAX_LENGTH) {
    fail('passwordPolicy.minLength', `must be an integer from ${POLICY_MIN_LENGTH} to ${POLICY_MAX_LENGTH} (got ${JSON.stringify(minLength)})`);
  }
  const rejectCommon = options?.rejectCommon ?? true;
  if (typeof rejectCommon !== 'boolean') fail('passwordPolicy.rejectCommon', 'must be a boolean');
  const blocklist = options?.blocklist ?? [];
  if (!Array.isArray(blocklist) || blocklist.some((entry) => typeof entry !== 'string' || !entry)) {
    fail('passwordPolicy.blocklist', 'must be an array of non-empty strings');
  }
  return { minLength, rejectCommon, blocklist: [...blocklist], breached: resolveBreachedPasswordOptions(options?.breached) };
}

/** File shipped next to this module (the build copies it to `dist/core/users/`). */
export const COMMON_PASSWORDS_FILE = join(__dirname, 'common-passwords.txt');

let commonPasswords: ReadonlySet<string> | undefined;

/** The built-in list (lower-cased), read once. */
export function loadCommonPasswords(): ReadonlySet<string> {
  if (!commonPasswords) {
    const set = new Set<string>();
    for (const line of readFileSync(COMMON_PASSWORDS_FILE, 'utf8').split('\n')) {
      const entry = line.trim();
      if (entry && !entry.startsWith('#')) set.add(entry);
    }
    commonPasswords = set;
  }
  return commonPasswords;
}

/** A lone UTF-16 surrogate: would be hashed as U+FFFD, making different passwords equal. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Length in Unicode code points. */
function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/**
 * Checks new passwords against the policy. Throws `ValidationFailedError` for a password outside the
 * length range or not well-formed Unicode, and `WeakPasswordError` for a common, blocklisted or
 * email-derived one. Never hashes; never echoes the password.
 */
export class PasswordPolicy {
  private readonly blocklist: ReadonlySet<string>;
  private readonly common?: ReadonlySet<string>;
  private readonly breached?: BreachedPasswords;

  constructor(private readonly options: ResolvedPasswordPolicyOptions = resolvePasswordPolicyOptions(undefined)) {
    this.blocklist = new Set(options.blocklist.map((entry) => entry.toLowerCase()));
    if (options.rejectCommon) this.common = loadCommonPasswords();
    if (options.breached) this.breached = new BreachedPasswords(options.breached);
  }

  /**
   * `check`, then (with `passwordPolicy.breached`) the breached-password check: `WeakPasswordError('breached')`,
   * or `BreachCheckUnavailableError` when the service cannot tell and `onUnavailable` is `'refuse'`.
   */
  async checkNew(password: unknown, context: { email?: string } = {}): Promise<void> {
    this.check(password, context);
    if (!this.breached) return;
    const verdict = await this.breached.check(password as string);
    if (verdict === 'breached') throw new WeakPasswordError('breached', 'This password has appeared in a data breach; choose another');
    if (verdict === 'unavailable' && this.options.breached?.onUnavailable === 'refuse') throw new BreachCheckUnavailableError();
  }

  /**
   * Throws when `password` may not be set as a new password (for the account with `context.email`). Synchronous:
   * the local rules only; `checkNew` adds the breached-password check.
   */
  check(password: unknown, context: { email?: string } = {}): void {
    if (typeof password !== 'string' || password.length > POLICY_MAX_LENGTH * 2 || LONE_SURROGATE.test(password)) {
      throw new ValidationFailedError([`password must be ${POLICY_MIN_LENGTH} to ${POLICY_MAX_LENGTH} characters`]);
    }
    const length = codePoints(password);
    if (length > POLICY_MAX_LENGTH) {
      throw new ValidationFailedError([`password must be ${POLICY_MIN_LENGTH} to ${POLICY_MAX_LENGTH} characters`]);
    }
    if (length < this.options.minLength) {
      throw new WeakPasswordError('too_short', `Password must be at least ${this.options.minLength} characters`);
    }
    const lower = password.toLowerCase();
    if (this.common?.has(lower) || this.blocklist.has(lower)) {
      throw new WeakPasswordError('too_common', 'This password is too common; choose another');
    }
    const email = context.email?.toLowerCase();
    if (email && (lower === email || lower === email.slice(0, email.lastIndexOf('@')))) {
      throw new WeakPasswordError('contains_email', 'The password must not be the email address');
    }
  }
}
