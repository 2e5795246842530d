import { hasInlineUserRecords } from '../ports/user-record-source';
import { Inject, Injectable } from '@nestjs/common';
import {
  InvalidCredentialsError, RegistrationDisabledError, UserNotFoundError, ValidationFailedError,
} from '../errors/auth.errors';
import { IDENTITY_OPTIONS, type ResolvedIdentityOptions } from './identity.options';
import { EMAIL_MAX_LENGTH, parseEmail } from './email';
import { PasswordHasher } from '../ports/password-hasher.interface';
import { PasswordPolicy, resolvePasswordPolicyOptions } from './password-policy';
import { type StoredUser, UserStore } from '../ports/user-store.interface';
import { CredentialStore } from '../ports/credential-store.interface';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
/** Login checks any password of 1..128 characters (the policy for new passwords does not apply at login). */
export const LOGIN_PASSWORD_MIN_LENGTH = 1;
export { EMAIL_MAX_LENGTH };

export interface Credentials {
  email: string;
  password: string;
}

/** A login's user lookup started early (`IdentityResolver.prefetchLoginUser`), for the email it was started with. */
export interface LoginUserLookup {
  email: string;
  user: Promise<StoredUser | null>;
}

/**
 * Turns credentials into users: registration, password login (argon2id, rehash on login, a dummy
 * verify for unknown emails so response time does not reveal which emails exist).
 *
 * @example
 * ```ts
 * const user = await identity.createUser({ email: 'admin@example.com', password, roles: ['admin'] });
 * ```
 */
@Injectable()
export class IdentityResolver {
  private dummyHash?: Promise<string>;
  private policy?: PasswordPolicy;
  private inline?: boolean;

  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(CredentialStore) private readonly credentials: CredentialStore,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(IDENTITY_OPTIONS) private readonly options: Pick<ResolvedIdentityOptions, 'registration' | 'passwordPolicy'>,
  ) {}

  /** Self-registration (`POST /auth/register`): default roles only; refused when registration is disabled. */
  async register(credentials: Credentials, profile?: Record<string, unknown>): Promise<StoredUser> {
    if (!this.options.registration.enabled) throw new RegistrationDisabledError();
    return this.createUser({ ...credentials, roles: this.options.registration.defaultRoles, profile });
  }

  /** Creates a user with the given roles (for seeding and admin tooling; not reachable over HTTP). */
  async createUser(input: Credentials & { roles?: string[]; emailVerified?: boolean; profile?: Record<string, unknown> }): Promise<StoredUser> {
    const email = this.checkEmail(input.email);
    await this.passwordPolicy.checkNew(input.password, { email });
    const passwordHash = await this.hasher.hash(input.password);
    return this.users.create({
      email,
      passwordHash,
      roles: [...(input.roles ?? this.options.registration.defaultRoles)],
      emailVerified: input.emailVerified ?? false,
      ...(input.profile ? { profile: structuredClone(input.profile) } : {}),
    });
  }

  /**
   * Verifies email and password. Unknown email, no password, a wrong password and a disabled account (even
   * with the right password: no oracle) fail identically with `InvalidCredentialsError`. Any password of 1 to
   * 128 characters is checked: the policy for new passwords never applies here (a stricter policy later must
   * not lock existing users out). `lookup` (from `prefetchLoginUser` with the same email) is used instead of
   * reading the user again.
   */
  async login(credentials: Credentials, lookup?: LoginUserLookup): Promise<StoredUser> {
    const email = this.checkEmail(credentials.email);
    this.checkPassword(credentials.password, LOGIN_PASSWORD_MIN_LENGTH);
    const user = await (lookup?.email === email ? lookup.user : this.users.findByEmail(email));
    if (!user || !user.passwordHash) {
      await this.hasher.verify(await this.getDummyHash(), credentials.password);
      throw new InvalidCredentialsError();
    }
    if (!(await this.hasher.verify(user.passwordHash, credentials.password))) throw new InvalidCredentialsError();
    if (user.disabled) throw new InvalidCredentialsError();
    if (this.hasher.needsRehash(user.passwordHash)) {
      const passwordHash = await this.hasher.hash(credentials.password);
      // Compare-and-set, and no credential-version change: the same password, so the sessions stay valid, and a
      // password changed meanwhile is not overwritten with this one.
      await this.credentials.setPasswordHash(user.id, passwordHash, { rehashOf: user.passwordHash });
      user.passwordHash = passwordHash;
    }
    return user;
  }

  /**
   * Starts reading the user a login of `rawEmail` will check, so that the read shares a round trip with the
   * login's throttle check (ioredis auto-pipelining). Nothing is decided on it: pass it to `login` only once the
   * throttle allows the attempt, and drop it otherwise (its rejection is already handled). Undefined for a
   * malformed email (the login refuses it anyway), and for any store but the default Redis one (the login then
   * reads the user after the throttle allowed the attempt).
   */
  prefetchLoginUser(rawEmail: unknown): LoginUserLookup | undefined {
    // Only the library's own Redis user store, whose read shares the throttle's connection and round trip: an
    // app's store (a database) is never asked about an email before the throttle has decided.
    if (!this.readsUsersInline || typeof rawEmail !== 'string') return undefined;
    const email = parseEmail(rawEmail);
    if (email === null) return undefined;
    let user: Promise<StoredUser | null>;
    try {
      user = this.users.findByEmail(email);
    } catch (error) {
      user = Promise.reject(error);
    }
    user.catch(() => undefined);
    return { email, user };
  }

  /** The user store (`refreshRotation` may read its records inside the session store's rotation script). */
  /** The current user record, or null when deleted. */
  findUser(userId: string): Promise<StoredUser | null> {
    return this.users.findById(userId);
  }

  /**
   * Sets a new password after checking it against the password policy. With `currentPassword`, that is
   * verified first (`InvalidCredentialsError`). Does not touch sessions: `AuthService.changePassword`
   * also revokes the user's other sessions. Throws `UserNotFoundError`, `WeakPasswordError`.
   */
  async changePassword(userId: string, newPassword: string, currentPassword?: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    if (currentPassword !== undefined) {
      this.checkPassword(currentPassword);
      if (!user.passwordHash || !(await this.hasher.verify(user.passwordHash, currentPassword))) throw new InvalidCredentialsError();
    }
    await this.passwordPolicy.checkNew(newPassword, { email: user.email ?? undefined });
    await this.credentials.setPasswordHash(userId, await this.hasher.hash(newPassword));
  }

  /** The policy for new passwords (`passwordPolicy` option). */
  get passwordPolicy(): PasswordPolicy {
    this.policy ??= new PasswordPolicy(this.options.passwordPolicy ?? resolvePasswordPolicyOptions(undefined));
    return this.policy;
  }

  private checkEmail(raw: unknown): string {
    if (typeof raw !== 'string') throw new ValidationFailedError(['email must be a string']);
    const email = parseEmail(raw);
    if (email === null) throw new ValidationFailedError(['email must be an email']);
    return email;
  }

  /** Length limits are enforced before any hashing. */
  private checkPassword(password: unknown, minLength = PASSWORD_MIN_LENGTH): void {
    // Counted in code points like the DTO and the policy (an emoji is one character); lone surrogates are refused.
    if (
      typeof password !== 'string' || password.length > PASSWORD_MAX_LENGTH * 2 || /\p{Cs}/u.test(password) ||
      [...password].length < minLength || [...password].length > PASSWORD_MAX_LENGTH
    ) {
      throw new ValidationFailedError([`password must be ${minLength} to ${PASSWORD_MAX_LENGTH} characters`]);
    }
  }

  /** Whether the user store is the library's Redis store read on the shared connection (`InlineUserRecords`). */
  private get readsUsersInline(): boolean {
    this.inline ??= hasInlineUserRecords(this.users) && this.users.inlineRecordSource() !== null;
    return this.inline;
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(`authkit-dummy-${Math.random()}`);
    return this.dummyHash;
  }
}
